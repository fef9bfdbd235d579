/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The marker "this share-group record reached a member" commits in the same transaction as the first session record
 * that lists the message as the member's, every node learns it from the sessions topic's tail, and only a redelivered
 * record is checked against it.
 */
class ShareTakenMarkersTest {

    private static final String GROUP = "tributary-share-g-0a1b";

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final TransactionalWriter transactions;
    private final ShareTakenMarkers markers;
    private final KafkaSessionLog log;

    ShareTakenMarkersTest() {
        producer.initTransactions();
        transactions = new TransactionalWriter(producer, () -> producer, "tx-markers", 0, 100, 1_000).startThread();
        markers = new ShareTakenMarkers(transactions, null, "sessions", 1);
        log = new KafkaSessionLog(null, transactions, "sessions", "node-a");
    }

    @AfterEach
    void close() {
        transactions.close();
    }

    private static SessionState session(SharedInFlight... shared) {
        DeliveryState delivery = new DeliveryState(Map.of(), Map.of(), Map.of(), List.of(), Map.of(), List.of(shared));
        return new SessionState(
                SessionState.CURRENT_VERSION, "member-1", 5, 600, List.of(), delivery, List.of(), "a", 1, 0);
    }

    /** What the sessions topic's tail would hand the node, for a record the writer sent. */
    private static ConsumerRecord<byte[], byte[]> asRead(ProducerRecord<byte[], byte[]> sent, long offset) {
        RecordHeaders headers = new RecordHeaders(sent.headers().toArray());
        return new ConsumerRecord<>(
                sent.topic(),
                0,
                offset,
                0L,
                TimestampType.CREATE_TIME,
                sent.key().length,
                sent.value() == null ? -1 : sent.value().length,
                sent.key(),
                sent.value(),
                headers,
                Optional.empty(),
                Optional.empty());
    }

    /** A record of a message topic as a share consumer hands it out, delivered {@code count} times. */
    private static ConsumerRecord<byte[], byte[]> shareRecord(long offset, int count) {
        return new ConsumerRecord<>(
                "mqtt.messages",
                2,
                offset,
                0L,
                TimestampType.CREATE_TIME,
                0,
                1,
                null,
                new byte[] {1},
                new RecordHeaders(),
                Optional.empty(),
                Optional.of((short) count));
    }

    private List<ProducerRecord<byte[], byte[]>> committed(int n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() >= n);
        return new ArrayList<>(producer.history());
    }

    @Test
    void theMarkerCommitsWithTheFirstRecordListingTheMessageAndOnlyThen() throws Exception {
        log.write("member-1", session(new SharedInFlight(3, "mqtt.messages:2", 120, false, false, List.of(), GROUP)))
                .get();
        List<ProducerRecord<byte[], byte[]>> first = committed(2);
        assertThat(producer.commitCount()).as("one transaction").isEqualTo(1);
        assertThat(first.get(0).headers().lastHeader(ShareTakenMarkers.HEADER))
                .as("the marker")
                .isNotNull();
        assertThat(new String(first.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("member-1");

        log.write("member-1", session(new SharedInFlight(3, "mqtt.messages:2", 120, true, false, List.of())))
                .get();
        assertThat(committed(3))
                .as("a later record, after the ACCEPT: no marker")
                .hasSize(3);
    }

    @Test
    void aRedeliveredRecordWithAMarkerWasTakenAndTheTombstoneForgetsIt() throws Exception {
        log.write("member-1", session(new SharedInFlight(3, "mqtt.messages:2", 120, false, false, List.of(), GROUP)))
                .get();
        List<ConsumerRecord<byte[], byte[]>> sessions = new ArrayList<>();
        var tail = markers.routing(sessions::add);
        List<ProducerRecord<byte[], byte[]>> sent = committed(2);
        tail.accept(asRead(sent.get(0), 0));
        tail.accept(asRead(sent.get(1), 1));
        assertThat(sessions).as("the session record goes to the sessions").hasSize(1);
        assertThat(KafkaSessionLog.replay(asRead(sent.get(0), 0)))
                .as("a marker is no session")
                .isNull();

        assertThat(markers.taken(GROUP, shareRecord(120, 2)))
                .as("redelivered, marked")
                .isTrue();
        assertThat(markers.taken(GROUP, shareRecord(120, 1)))
                .as("a first delivery cannot have reached anyone")
                .isFalse();
        assertThat(markers.taken(GROUP, shareRecord(121, 2)))
                .as("another record")
                .isFalse();
        assertThat(markers.taken("tributary-share-other-1", shareRecord(120, 2)))
                .as("another group")
                .isFalse();

        markers.forget(ShareTakenMarkers.key(GROUP, shareRecord(120, 2)));
        ProducerRecord<byte[], byte[]> tombstone = committed(3).get(2);
        assertThat(tombstone.value()).isNull();
        tail.accept(asRead(tombstone, 2));
        assertThat(markers.taken(GROUP, shareRecord(120, 2))).isFalse();
        assertThat(markers.size()).isZero();
        assertThat(sessions).as("nor is its tombstone a session's").hasSize(1);
    }

    @Test
    void keysRoundTripAndNoClientIdReadsAsOne() {
        ShareTakenMarkers.Key key = new ShareTakenMarkers.Key(GROUP, "t1.mqtt.messages", 7, 123456789L);
        assertThat(ShareTakenMarkers.Key.parse(key.bytes())).isEqualTo(key);
        assertThat(ShareTakenMarkers.Key.parse("member-1".getBytes(StandardCharsets.UTF_8)))
                .isNull();
    }
}
