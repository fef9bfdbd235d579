/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench.jmh;

import io.tributary.mqtt.topic.SubscriptionTrie;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.mqtt.topic.TopicName;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The shard reader's per-record work: which subscriptions match a topic. The trie is measured against the
 * baseline every broker starts with, a scan over all filters, in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TopicMatchBenchmark {

    @Param({"1000", "10000"})
    int subscriptions;

    private final SubscriptionTrie<Integer, Integer> trie = new SubscriptionTrie<>();
    private final List<TopicFilter> filters = new ArrayList<>();
    private List<String> topicLevels;
    private String topic;

    @Setup
    public void setUp() {
        for (int i = 0; i < subscriptions; i++) {
            String text = switch (i % 4) {
                case 0 -> "site/" + i + "/+/temp";
                case 1 -> "site/" + i + "/#";
                case 2 -> "site/" + i + "/dev/" + i;
                default -> "+/" + i + "/dev/+";
            };
            TopicFilter f = TopicFilter.parse(text);
            filters.add(f);
            trie.put(f.levels(), i, 1);
        }
        topic = "site/" + (subscriptions / 2) + "/dev/temp";
        topicLevels = TopicName.levels(topic);
    }

    @Benchmark
    public void trie(Blackhole bh) {
        trie.match(TopicName.levels(topic), (s, o) -> bh.consume(s));
    }

    @Benchmark
    public void baselineScan(Blackhole bh) {
        for (TopicFilter f : filters) {
            if (f.matches(topicLevels)) {
                bh.consume(f);
            }
        }
    }
}
