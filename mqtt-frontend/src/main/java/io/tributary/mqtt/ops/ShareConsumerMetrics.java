/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The Kafka client metrics of the node's share consumers (one per share group with local members), read when
 * Prometheus scrapes: {@code kafka_share_<group>_<name>} (say {@code kafka_share_fetch_manager_records_consumed_total}),
 * labelled with the metric's own tags (client id, topic...)
 * plus {@code node} and {@code role="share-group"}. Kafka's {@code -total} metrics are counters, the rest gauges.
 *
 * <p>Hand-written because Micrometer's {@code KafkaClientMetrics} takes producers, consumers and admin clients, not
 * share consumers. Share consumers come and go with the groups' members, so instead of meters bound and unbound
 * with each one, every scrape reads the consumers open at that moment.
 */
public final class ShareConsumerMetrics implements MultiCollector {

    private final Set<ShareConsumer<?, ?>> open = ConcurrentHashMap.newKeySet();
    private final Labels node;

    ShareConsumerMetrics(String nodeId) {
        this.node = Labels.of("node", nodeId, "role", "share-group");
    }

    /** A share consumer was created: its metrics are scraped until {@link #closed}. */
    public void opened(ShareConsumer<?, ?> consumer) {
        open.add(consumer);
    }

    public void closed(ShareConsumer<?, ?> consumer) {
        open.remove(consumer);
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, Family> families = new TreeMap<>();
        for (ShareConsumer<?, ?> c : open) {
            for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
                if (e.getValue().metricValue() instanceof Number value && Double.isFinite(value.doubleValue())) {
                    add(e.getKey(), value.doubleValue(), families);
                } // else app-info's version strings, or a rate with no samples yet
            }
        }
        List<MetricSnapshot> snapshots = new ArrayList<>();
        families.forEach((name, f) -> snapshots.add(
                f.counter
                        ? new CounterSnapshot(new MetricMetadata(name, f.help), f.counters)
                        : new GaugeSnapshot(new MetricMetadata(name, f.help), f.gauges)));
        return new MetricSnapshots(snapshots);
    }

    /** The points of one metric name. */
    private static final class Family {
        final boolean counter;
        final String help;
        final List<CounterDataPointSnapshot> counters = new ArrayList<>();
        final List<GaugeDataPointSnapshot> gauges = new ArrayList<>();

        Family(boolean counter, String help) {
            this.counter = counter;
            this.help = help;
        }
    }

    /**
     * Kafka's group without what every name here would repeat: {@code consumer-share-fetch-manager-metrics} is
     * {@code fetch_manager}, {@code consumer-metrics} is {@code client}.
     */
    static String shortGroup(String group) {
        String g = group.endsWith("-metrics") ? group.substring(0, group.length() - "-metrics".length()) : group;
        for (String prefix : new String[] {"consumer-share-", "consumer-"}) {
            if (g.startsWith(prefix)) {
                return g.substring(prefix.length());
            }
        }
        return g.equals("consumer") ? "client" : g;
    }

    private void add(MetricName metric, double value, Map<String, Family> families) {
        String group = shortGroup(metric.group());
        boolean counter = metric.name().endsWith("-total");
        String base = counter ? metric.name().substring(0, metric.name().length() - "-total".length()) : metric.name();
        String name = PrometheusNaming.sanitizeMetricName("kafka_share_" + group + "_" + base);
        if (!PrometheusNaming.isValidMetricName(name)) {
            return;
        }
        Family family = families.computeIfAbsent(name, k -> new Family(counter, metric.description()));
        if (family.counter != counter) {
            return; // a gauge and a counter of one name: keep the first kind seen
        }
        Labels labels = node;
        for (Map.Entry<String, String> tag : metric.tags().entrySet()) {
            labels = labels.merge(Labels.of(PrometheusNaming.sanitizeLabelName(tag.getKey()), tag.getValue()));
        }
        if (counter) {
            family.counters.add(new CounterDataPointSnapshot(value, labels, null, 0));
        } else {
            family.gauges.add(new GaugeDataPointSnapshot(value, labels, null));
        }
    }
}
