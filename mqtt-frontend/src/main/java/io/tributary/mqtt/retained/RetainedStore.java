/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.retained;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Retained messages: the in-memory view of the compacted retained topic (key = MQTT topic, tombstone clears),
 * written through the {@link RetainedLog} port and changed by {@link RetainedChange}s. Matching on subscribe walks every retained topic; a retained index keyed by topic levels is the
 * next step when retained sets grow large.
 *
 * <p>Every node tails the retained topic (each record becomes a {@link RetainedChange} applied on the tail thread) and also applies its own writes
 * when Kafka acknowledges them (so a client that sets a retained message and then subscribes sees it). Both
 * paths apply an update only if its offset is above the last one applied for that MQTT topic: a topic has one
 * key, hence one partition, so offsets order every node's writes, and a late acknowledgement can never undo
 * a newer message or clear set by another node. Event loops read the view concurrently.
 */
public final class RetainedStore {

    private final RetainedLog log;
    /** A retained message, or null for a cleared one (kept so that an older update cannot revive it). */
    private record Entry(long offset, @Nullable Message message) {}

    private final Map<String, Entry> retained = new ConcurrentHashMap<>();

    public RetainedStore(RetainedLog log) {
        this.log = log;
    }

    /** Applies one change of the retained topic: while loading at start, then from the tail thread. */
    public void apply(RetainedChange change) {
        apply(change.topic(), change.offset(), change.message());
    }

    /** Stores (or, for an empty payload, clears) the retained message; completes when Kafka has it. */
    public CompletableFuture<Void> write(Message message) {
        // Applied in the producer's callback, so the view follows Kafka's order for the topic.
        return log.write(message)
                .thenAccept(offset -> apply(message.topic(), offset, message.payload().length == 0 ? null : message));
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
