/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Messages this node took from its clients, per MQTT topic, for the web console's topic table: a count and the
 * rate over the last sampling period. It wraps the {@link MessageLog} (every publish the node ingests, wills
 * included) so that the PUBLISH flows do not change; the cost on the publish path is one map look-up and one
 * {@link LongAdder} increment.
 *
 * <p>Memory is bounded: the first {@value #MAX_TOPICS} topics are counted by name, later ones together under
 * {@value #OTHER_TOPICS} (a Prometheus label per topic would be worse: unbounded series in every scrape).
 */
public final class TopicRates {

    static final int MAX_TOPICS = 1000;
    static final String OTHER_TOPICS = "(other topics)";
    /** Rates are recomputed at most this often, however many consoles poll. */
    static final long MIN_SAMPLE_MILLIS = 1000;

    /** One topic's figures: messages since the node started, and per second over the last period. */
    public record TopicRate(String topic, long messages, double perSecond) {}

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private Map<String, Long> sampledCounts = Map.of();
    private long sampledAtMillis;
    private List<TopicRate> sampled = List.of();

    /** A log that counts each message by topic, then appends it to {@code log}. */
    public MessageLog counting(MessageLog log) {
        return (route, message) -> {
            count(message.topic());
            return log.append(route, message);
        };
    }

    void count(String topic) {
        LongAdder adder = counts.get(topic);
        if (adder == null) {
            adder = counts.size() < MAX_TOPICS
                    ? counts.computeIfAbsent(topic, t -> new LongAdder())
                    : counts.computeIfAbsent(OTHER_TOPICS, t -> new LongAdder());
        }
        adder.increment();
    }

    /** Every counted topic, busiest first; the rates are those of the latest sample (taken now if it is due). */
    public synchronized List<TopicRate> rates(long nowMillis) {
        if (nowMillis - sampledAtMillis < MIN_SAMPLE_MILLIS) {
            return sampled;
        }
        double seconds = sampledAtMillis == 0 ? 0 : (nowMillis - sampledAtMillis) / 1000.0;
        Map<String, Long> now = new HashMap<>();
        List<TopicRate> out = new ArrayList<>();
        counts.forEach((topic, adder) -> {
            long n = adder.sum();
            now.put(topic, n);
            long before = sampledCounts.getOrDefault(topic, 0L);
            out.add(new TopicRate(topic, n, seconds == 0 ? 0 : (n - before) / seconds));
        });
        out.sort(Comparator.comparingDouble(TopicRate::perSecond)
                .reversed()
                .thenComparing(Comparator.comparingLong(TopicRate::messages).reversed())
                .thenComparing(TopicRate::topic));
        sampledCounts = now;
        sampledAtMillis = nowMillis;
        sampled = List.copyOf(out);
        return sampled;
    }
}
