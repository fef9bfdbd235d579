/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.retained;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.MessageRecordCodec;
import io.tributary.mqtt.publish.Message;
import io.tributary.mqtt.subscribe.TopicFilter;
import io.tributary.mqtt.subscribe.TopicName;

/**
 * Retained messages: the compacted retained topic (key = MQTT topic, tombstone clears) and its in-memory
 * view. Matching on subscribe walks every retained topic; a retained index keyed by topic levels is the
 * next step when retained sets grow large.
 */
public final class RetainedStore {

    private final KafkaSender sender;
    private final String topic;
    private final Map<String, Message> retained = new ConcurrentHashMap<>();

    public RetainedStore(KafkaSender sender, String topic) {
        this.sender = sender;
        this.topic = topic;
    }

    /** Replays one record of the retained topic (while loading at start). */
    public void load(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return; // not written by a node: nothing to retain, and no reason to fail the start
        }
        String mqttTopic = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            retained.remove(mqttTopic);
            return;
        }
        if (TopicName.invalidReason(mqttTopic) != null) {
            return; // would reach subscribers of '#' as a PUBLISH with an invalid topic [MQTT-3.3.2-2]
        }
        Message m = MessageRecordCodec.decode(mqttTopic, record.value(), record.headers(), 0);
        if (m != null && m.topic().equals(mqttTopic)) {
            retained.put(mqttTopic, m.withRetain(true));
        }
    }

    /** Stores (or, for an empty payload, clears) the retained message; completes when Kafka has it. */
    public CompletableFuture<Void> write(Message message) {
        byte[] key = message.topic().getBytes(StandardCharsets.UTF_8);
        byte[] value = message.payload().length == 0 ? null : message.payload();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, key, value,
                MessageRecordCodec.headers(message, false));
        // Applied in the producer's callback, so the view follows Kafka's order for the topic.
        return sender.send(record).thenRun(() -> apply(message));
    }

    private void apply(Message message) {
        if (message.payload().length == 0) {
            retained.remove(message.topic());
        } else {
            retained.put(message.topic(), message);
        }
    }

    public List<Message> matching(TopicFilter filter) {
        List<Message> result = new ArrayList<>();
        for (Message m : retained.values()) {
            if (filter.matches(m.topic())) {
                result.add(m);
            }
        }
        return result;
    }

    public int size() {
        return retained.size();
    }
}
