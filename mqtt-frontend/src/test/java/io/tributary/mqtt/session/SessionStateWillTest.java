/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import io.tributary.mqtt.message.Will;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The will in a stored session: old records load, a will round-trips, and a published will is cleared. */
class SessionStateWillTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final SessionStore store = new SessionStore(
            new KafkaSessionLog(new KafkaSender(producer, timer, 60_000), "sessions", "node-b"), timer, "node-b");

    /** What the sessions topic's tail does with a record. */
    private void load(ConsumerRecord<byte[], byte[]> record) {
        SessionChange change = KafkaSessionLog.replay(record);
        if (change != null) {
            store.apply(change);
        }
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static final Will WILL = new Will(
            new Message(
                    "dev/1/status",
                    "offline".getBytes(StandardCharsets.UTF_8),
                    1,
                    true,
                    "c",
                    new MessageProperties(
                            true,
                            "text/plain",
                            30_000,
                            "dev/1/reply",
                            new byte[] {1, 2},
                            List.of(new UserProperty("k", "v"), new UserProperty("k", "w")))),
            120);

    private static SessionState state(String owner, long epoch, long disconnectedAt) {
        return new SessionState(
                SessionState.CURRENT_VERSION,
                "c",
                5,
                600,
                List.of(),
                DeliveryState.EMPTY,
                List.of(),
                owner,
                epoch,
                disconnectedAt);
    }

    private void tail(String writer, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaSessionLog.WRITER_HEADER, writer.getBytes(StandardCharsets.UTF_8));
        load(new ConsumerRecord<>(
                "sessions",
                0,
                0,
                0L,
                TimestampType.CREATE_TIME,
                1,
                value.length,
                "c".getBytes(StandardCharsets.UTF_8),
                value,
                headers,
                Optional.empty()));
    }

    @Test
    void aRecordWithoutAWillIsWrittenAndReadAsBefore() {
        byte[] json = KafkaSessionLog.serialize(state("node-a", 1, 0));
        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("will");
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", json);
        assertThat(store.get("c").will()).isNull();
    }

    @Test
    void aWillRoundTripsWithItsMqtt5Properties() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", KafkaSessionLog.serialize(state("node-a", 1, 0).withWill(SessionState.StoredWill.of(WILL))));
        Will back = store.get("c").will().toWill("c");
        assertThat(back.delaySeconds()).isEqualTo(120);
        assertThat(back.message().topic()).isEqualTo("dev/1/status");
        assertThat(back.message().payload()).isEqualTo("offline".getBytes(StandardCharsets.UTF_8));
        assertThat(back.message().qos()).isEqualTo(1);
        assertThat(back.message().retain()).isTrue();
        assertThat(back.message().publisher()).isEqualTo("c");
        MessageProperties p = back.message().properties();
        assertThat(p.payloadUtf8()).isTrue();
        assertThat(p.contentType()).isEqualTo("text/plain");
        assertThat(p.expiresAtMillis()).as("a lifetime until published").isEqualTo(30_000);
        assertThat(p.responseTopic()).isEqualTo("dev/1/reply");
        assertThat(p.correlationData()).containsExactly(1, 2);
        assertThat(p.userProperties()).containsExactly(new UserProperty("k", "v"), new UserProperty("k", "w"));
    }

    @Test
    void aPublishedWillIsClearedFromTheRecordOfItsEpochOnly() {
        store.startExpiryTimers(System.currentTimeMillis());
        long now = System.currentTimeMillis();
        store.save(state("node-b", 4, now).withWill(SessionState.StoredWill.of(WILL)))
                .join();
        store.willPublished("c", 3); // an older epoch's will: the record is not touched
        assertThat(store.get("c").will()).isNotNull();
        store.willPublished("c", 4);
        assertThat(store.get("c").will()).isNull();
        assertThat(producer.history()).hasSize(2);
        assertThat(new String(producer.history().get(1).value(), StandardCharsets.UTF_8))
                .doesNotContain("will");
    }
}
