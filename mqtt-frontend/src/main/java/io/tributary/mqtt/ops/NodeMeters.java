/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.prometheus.metrics.model.snapshots.Labels;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.LatencyHistogram;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The node's meter registry, in the Prometheus format: the broker's own meters ({@link BrokerMetrics}), the JVM
 * (memory, GC, threads, class loading, CPU, uptime), Netty's buffer allocator and the node's Kafka clients. One
 * registry per node, so several nodes in one JVM (tests) keep their figures apart.
 *
 * <p>With {@code metrics.enabled=false} every meter is denied: Micrometer hands out no-op meters, the broker's
 * counters cost a call to an empty method, and the page is empty.
 */
public final class NodeMeters implements AutoCloseable, OpsHttpServer.MetricsPage {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final BrokerMetrics broker;
    private final List<AutoCloseable> bound = new ArrayList<>();
    private final ScheduledExecutorService kafkaRefresh;
    private volatile @Nullable NodeGauges gauges;
    private final ShareConsumerMetrics shareConsumers;

    private NodeMeters(boolean enabled, String nodeId) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (!enabled) {
            registry.config().meterFilter(MeterFilter.deny());
        }
        registry.config().commonTags("node", nodeId);
        broker = BrokerMetrics.create(registry);
        // The latency histograms are not Micrometer meters (too costly per message): registered as collectors.
        Labels node = Labels.of("node", nodeId);
        for (LatencyHistogram h : broker.latencyHistograms()) {
            registry.getPrometheusRegistry().register(h.collector(node));
        }
        shareConsumers = new ShareConsumerMetrics(nodeId);
        if (enabled) {
            registry.getPrometheusRegistry().register(shareConsumers);
        }
        kafkaRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-kafka-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    /** A registry with the broker's and the JVM's meters; Kafka clients join with {@link #bindKafka}. */
    public static NodeMeters create(boolean enabled, String nodeId) {
        NodeMeters m = new NodeMeters(enabled, nodeId);
        m.bindJvm();
        return m;
    }

    private void bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        bound.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // The allocator the node's channels use (Netty 4.2: the adaptive one unless io.netty.allocator.type says).
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry);
        }
    }

    /** The broker's own meters, the facade the protocol flows and readers count through. */
    public BrokerMetrics broker() {
        return broker;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Bridges a producer's metrics ({@code kafka_producer_*}), tagged with {@code role}. */
    public void bindKafka(Producer<?, ?> producer, String role) {
        bindKafka(new KafkaClientMetrics(producer, List.of(Tag.of("role", role)), kafkaRefresh));
    }

    /** Where the node's share consumers report themselves, so that their Kafka metrics are scraped. */
    public ShareConsumerMetrics shareConsumers() {
        return shareConsumers;
    }

    /** Bridges a consumer's metrics ({@code kafka_consumer_*}), tagged with {@code role}. */
    public void bindKafka(Consumer<?, ?> consumer, String role) {
        bindKafka(new KafkaClientMetrics(consumer, List.of(Tag.of("role", role)), kafkaRefresh));
    }

    /** Bridges an admin client's metrics ({@code kafka_admin_client_*}), tagged with {@code role}. */
    public void bindKafka(@Nullable Admin admin, String role) {
        if (admin instanceof AdminClient client) {
            bindKafka(new KafkaClientMetrics(client, List.of(Tag.of("role", role)), kafkaRefresh));
        }
    }

    private synchronized void bindKafka(KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        bound.add(metrics);
    }

    /**
     * The gauges read from the node's state; {@code shards}, {@code shardsRead} (not paused: some subscription needs
     * them) and {@code lag} describe the live reader.
     */
    public void registerNodeGauges(
            SessionRegistry sessions,
            SessionStore store,
            RetainedStore retained,
            Supplier<List<TopicPartition>> shards,
            java.util.function.IntSupplier shardsRead,
            ToLongFunction<TopicPartition> lag) {
        gauges = NodeGauges.register(registry, sessions, store, retained, shards, lag);
        io.micrometer.core.instrument.Gauge.builder(
                        "tributary.kafka.shards", shards, s -> s.get().size())
                .description("message shards the live reader has: read, or paused while no subscription needs them")
                .tag("state", "assigned")
                .strongReference(true) // the suppliers are method references nothing else holds
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "tributary.kafka.shards", shardsRead, java.util.function.IntSupplier::getAsInt)
                .description("message shards the live reader has: read, or paused while no subscription needs them")
                .tag("state", "read")
                .strongReference(true)
                .register(registry);
    }

    @Override
    public String contentType(@Nullable String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    }

    @Override
    public String scrape(String contentType) {
        NodeGauges g = gauges;
        if (g != null) {
            g.registerNewShards(); // shards a mapping rule added since the last scrape
        }
        return registry.scrape(contentType);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : bound) {
            try {
                c.close();
            } catch (Exception e) {
                // a binder that cannot stop has nothing left to report
            }
        }
        bound.clear();
        kafkaRefresh.shutdownNow();
        registry.close();
    }
}
