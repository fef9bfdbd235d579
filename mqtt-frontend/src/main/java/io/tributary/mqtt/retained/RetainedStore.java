/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.retained;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.tributary.mqtt.kafka.MessageRecordCodec;
import io.tributary.mqtt.publish.Message;
import io.tributary.mqtt.subscribe.TopicFilter;

/**
 * Retained messages: the compacted retained topic (key = MQTT topic, tombstone clears) and its in-memory
 * view. Matching on subscribe walks every retained topic; a retained index keyed by topic levels is the
 * next step when retained sets grow large.
 */
public final class RetainedStore {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Map<String, Message> retained = new ConcurrentHashMap<>();

    public RetainedStore(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Replays one record of the retained topic (while loading at start). */
    public void load(ConsumerRecord<byte[], byte[]> record) {
        String mqttTopic = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            retained.remove(mqttTopic);
            return;
        }
        Message m = MessageRecordCodec.decode(mqttTopic, record.value(), record.headers(), 0);
        if (m != null) {
            retained.put(mqttTopic, m.withRetain(true));
        }
    }

    /** Stores (or, for an empty payload, clears) the retained message; completes when Kafka has it. */
    public CompletableFuture<Void> write(Message message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] key = message.topic().getBytes(StandardCharsets.UTF_8);
        byte[] value = message.payload().length == 0 ? null : message.payload();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, key, value,
                MessageRecordCodec.headers(message, false));
        producer.send(record, (md, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                apply(message);
                done.complete(null);
            }
        });
        return done;
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
