/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.retained;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.kafka.KafkaRetainedLog;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.topic.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Updates of one retained topic from several nodes apply in Kafka's order, whichever path brings them. */
class RetainedStoreOrderTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final RetainedStore store =
            new RetainedStore(new KafkaRetainedLog(new KafkaSender(producer, timer, 60_000), "retained"));

    /** What the retained topic's tail does with a record. */
    private void load(ConsumerRecord<byte[], byte[]> record) {
        store.apply(KafkaRetainedLog.replay(record));
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String topic, String payload) {
        return new ConsumerRecord<>(
                "retained",
                0,
                offset,
                topic.getBytes(StandardCharsets.UTF_8),
                payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    }

    private static Message message(String topic, String payload) {
        return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true, "pub", MessageProperties.NONE);
    }

    @Test
    void aLateAcknowledgementDoesNotReviveAMessageClearedByAnotherNode() {
        load(record(5, "a/b", null)); // another node cleared it (offset 5)
        store.write(message("a/b", "old")).join(); // our own write, acknowledged at offset 0
        assertThat(store.matching(TopicFilter.parse("a/#"))).isEmpty();
    }

    @Test
    void theTailAppliesAnotherNodesNewerMessage() {
        store.write(message("a/b", "mine")).join(); // offset 0
        load(record(0, "a/b", "mine")); // read back: no change
        load(record(1, "a/b", "theirs"));
        assertThat(store.matching(TopicFilter.parse("a/b")))
                .extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("theirs");
        load(record(2, "a/b", null));
        assertThat(store.size()).isZero();
    }
}
