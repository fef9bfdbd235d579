/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.retained.RetainedChange;
import io.tributary.mqtt.retained.RetainedLog;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/** The retained topic in Kafka: key = MQTT topic, value = payload with the MQTT headers, tombstone clears. */
public final class KafkaRetainedLog implements RetainedLog {

    private final KafkaSender sender;
    private final String topic;

    public KafkaRetainedLog(KafkaSender sender, String topic) {
        this.sender = sender;
        this.topic = topic;
    }

    @Override
    public CompletableFuture<Long> write(Message message) {
        byte[] key = message.topic().getBytes(StandardCharsets.UTF_8);
        byte[] value = message.payload().length == 0 ? null : message.payload();
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, key, value, MessageRecordCodec.headers(message, false));
        return sender.sendForMetadata(record).thenApply(meta -> meta.offset());
    }

    /** The change a record of the retained topic makes, or null for a record no node could have written. */
    public static @Nullable RetainedChange replay(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return null; // not written by a node: nothing to retain, and no reason to fail the start
        }
        String mqttTopic = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            return new RetainedChange(mqttTopic, record.offset(), null);
        }
        if (TopicName.invalidReason(mqttTopic) != null) {
            return null; // would reach subscribers of '#' as a PUBLISH with an invalid topic [MQTT-3.3.2-2]
        }
        Message m = MessageRecordCodec.decode(mqttTopic, record.value(), record.headers(), 0);
        if (m == null || !m.topic().equals(mqttTopic)) {
            return null;
        }
        return new RetainedChange(mqttTopic, record.offset(), m.withRetain(true));
    }

    /** What the topic's tail does with each record: replays it into the store, skipping what no node wrote. */
    public static java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> replayInto(RetainedStore store) {
        return record -> {
            RetainedChange change = replay(record);
            if (change != null) {
                store.apply(change);
            }
        };
    }
}
