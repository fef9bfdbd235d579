/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.session.SessionStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * The node's gauges that are read from its state when Prometheus scrapes, never counted on the message path:
 * sessions, retained messages, subscriber queues (as totals: one series per client would not scale) and the live
 * reader's lag per shard.
 */
final class NodeGauges {

    private final MeterRegistry registry;
    private final Supplier<List<TopicPartition>> shards;
    private final ToLongFunction<TopicPartition> lag;
    private final Set<TopicPartition> lagRegistered = ConcurrentHashMap.newKeySet();

    private NodeGauges(
            MeterRegistry registry, Supplier<List<TopicPartition>> shards, ToLongFunction<TopicPartition> lag) {
        this.registry = registry;
        this.shards = shards;
        this.lag = lag;
    }

    /**
     * Registers the gauges; {@code shards} are the shards the live reader reads (more may come with a new mapping
     * rule: {@link #registerNewShards} adds their gauges before each scrape).
     */
    static NodeGauges register(
            MeterRegistry registry,
            SessionRegistry sessions,
            SessionStore store,
            RetainedStore retained,
            Supplier<List<TopicPartition>> shards,
            ToLongFunction<TopicPartition> lag) {
        Gauge.builder("tributary.sessions", sessions, s -> s.sessions().size())
                .description("sessions: connected to this node, or stored without a connection (whole cluster)")
                .tag("state", "connected")
                .register(registry);
        Gauge.builder("tributary.sessions", store, NodeGauges::offline)
                .description("sessions: connected to this node, or stored without a connection (whole cluster)")
                .tag("state", "offline")
                .register(registry);
        Gauge.builder("tributary.retained.messages", retained, RetainedStore::size)
                .description("retained messages (whole cluster)")
                .register(registry);
        Gauge.builder("tributary.subscriber.queue.messages", sessions, s -> queued(s, false))
                .description("messages waiting in the queues of this node's connected subscribers, in total")
                .register(registry);
        Gauge.builder("tributary.subscriber.queue.max", sessions, s -> queued(s, true))
                .description("messages waiting in the fullest queue of a connected subscriber")
                .register(registry);
        NodeGauges gauges = new NodeGauges(registry, shards, lag);
        gauges.registerNewShards();
        return gauges;
    }

    /** Adds a lag gauge for each shard the live reader started reading since the last call. */
    void registerNewShards() {
        for (TopicPartition tp : shards.get()) {
            if (lagRegistered.add(tp)) {
                Gauge.builder("tributary.kafka.lag", tp, lag::applyAsLong)
                        .description("records of a shard the node reads behind the shard's end")
                        .tag("topic", tp.topic())
                        .tag("partition", Integer.toString(tp.partition()))
                        .register(registry);
            }
        }
    }

    private static double offline(SessionStore store) {
        long n = 0;
        for (SessionState s : store.all()) {
            if (s.disconnectedAtMillis() != 0) {
                n++;
            }
        }
        return n;
    }

    private static double queued(SessionRegistry sessions, boolean max) {
        long sum = 0;
        long largest = 0;
        for (ClientSession s : sessions.sessions()) {
            int q = s.outbox().queued();
            sum += q;
            largest = Math.max(largest, q);
        }
        return max ? largest : sum;
    }
}
