/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.iceberg;

import io.tributary.iceberg.sink.SinkMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * Publishes a task's Iceberg figures through Connect's plugin metrics (KIP-877), which the worker exposes over
 * JMX as kafka.connect:type=plugins,connector=...,task=...; the last snapshot id per table carries a table tag.
 */
final class IcebergTaskMetrics implements AutoCloseable {
    private final PluginMetrics metrics;
    private final SinkMetrics sink;
    private final List<MetricName> names = new ArrayList<>();
    private final Set<String> tables = new HashSet<>();

    IcebergTaskMetrics(PluginMetrics metrics, SinkMetrics sink) {
        this.metrics = metrics;
        this.sink = sink;
        add("records-written-total", "Records in committed snapshots.", sink::recordsCommitted, Map.of());
        add("records-rejected-total", "Records sent to the dead-letter queue.", sink::recordsRejected, Map.of());
        add(
                "records-skipped-total",
                "Re-delivered records skipped because their table already held them.",
                sink::recordsSkipped,
                Map.of());
        add("files-written-total", "Data and delete files committed.", sink::filesWritten, Map.of());
        add("bytes-written-total", "Bytes of the files committed.", sink::bytesWritten, Map.of());
        add("commits-total", "Snapshots committed, over all tables.", sink::commits, Map.of());
        add(
                "commit-failures-total",
                "Table commits that failed (catalog or store unreachable); their rows are committed by a later try.",
                sink::commitFailures,
                Map.of());
        add("commit-duration-ms", "How long the last commit took, all tables.", sink::lastCommitDurationMs, Map.of());
        add(
                "commit-lag-ms",
                "At the last commit: from the timestamp of the oldest record it made visible to the commit.",
                sink::lastCommitLagMs,
                Map.of());
    }

    /** Adds a gauge for each table that committed for the first time. */
    void tablesCommitted() {
        for (String table : sink.lastSnapshotIds().keySet()) {
            if (tables.add(table)) {
                add(
                        "last-snapshot-id",
                        "The last snapshot this task committed to the table.",
                        () -> sink.lastSnapshotIds().getOrDefault(table, -1L),
                        Map.of("table", table));
            }
        }
    }

    private void add(String name, String description, Supplier<Long> value, Map<String, String> tags) {
        MetricName metricName = metrics.metricName(name, description, new LinkedHashMap<>(tags));
        metrics.addMetric(metricName, (Gauge<Long>) (config, now) -> value.get());
        names.add(metricName);
    }

    @Override
    public void close() {
        names.forEach(metrics::removeMetric);
    }
}
