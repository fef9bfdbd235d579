/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.retained;

import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.MessageRecordCodec;
import io.tributary.mqtt.publish.Message;
import io.tributary.mqtt.subscribe.TopicFilter;
import io.tributary.mqtt.subscribe.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Retained messages: the compacted retained topic (key = MQTT topic, tombstone clears) and its in-memory
 * view. Matching on subscribe walks every retained topic; a retained index keyed by topic levels is the
 * next step when retained sets grow large.
 *
 * <p>Every node tails the retained topic ({@link #load} on the tail thread) and also applies its own writes
 * when Kafka acknowledges them (so a client that sets a retained message and then subscribes sees it). Both
 * paths apply an update only if its offset is above the last one applied for that MQTT topic: a topic has one
 * key, hence one partition, so offsets order every node's writes, and a late acknowledgement can never undo
 * a newer message or clear set by another node. Event loops read the view concurrently.
 */
public final class RetainedStore {

    private final KafkaSender sender;
    private final String topic;
    /** A retained message, or null for a cleared one (kept so that an older update cannot revive it). */
    private record Entry(long offset, @Nullable Message message) {}

    private final Map<String, Entry> retained = new ConcurrentHashMap<>();

    public RetainedStore(KafkaSender sender, String topic) {
        this.sender = sender;
        this.topic = topic;
    }

    /** Applies one record of the retained topic: while loading at start, then from the tail thread. */
    public void load(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return; // not written by a node: nothing to retain, and no reason to fail the start
        }
        String mqttTopic = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            apply(mqttTopic, record.offset(), null);
            return;
        }
        if (TopicName.invalidReason(mqttTopic) != null) {
            return; // would reach subscribers of '#' as a PUBLISH with an invalid topic [MQTT-3.3.2-2]
        }
        Message m = MessageRecordCodec.decode(mqttTopic, record.value(), record.headers(), 0);
        if (m != null && m.topic().equals(mqttTopic)) {
            apply(mqttTopic, record.offset(), m.withRetain(true));
        }
    }

    /** Stores (or, for an empty payload, clears) the retained message; completes when Kafka has it. */
    public CompletableFuture<Void> write(Message message) {
        byte[] key = message.topic().getBytes(StandardCharsets.UTF_8);
        byte[] value = message.payload().length == 0 ? null : message.payload();
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, key, value, MessageRecordCodec.headers(message, false));
        // Applied in the producer's callback, so the view follows Kafka's order for the topic.
        return sender.sendForMetadata(record)
                .thenAccept(
                        meta -> apply(message.topic(), meta.offset(), message.payload().length == 0 ? null : message));
    }

    private void apply(String mqttTopic, long offset, @Nullable Message message) {
        retained.merge(
                mqttTopic, new Entry(offset, message), (old, update) -> update.offset() > old.offset() ? update : old);
    }

    public List<Message> matching(TopicFilter filter) {
        List<Message> result = new ArrayList<>();
        for (Entry e : retained.values()) {
            Message m = e.message();
            if (m != null && filter.matches(m.topic())) {
                result.add(m);
            }
        }
        return result;
    }

    public int size() {
        int n = 0;
        for (Entry e : retained.values()) {
            if (e.message() != null) {
                n++;
            }
        }
        return n;
    }
}
