/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.sink;

import io.tributary.shard.tiering.TieringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * Publishes a task's tiering figures through Connect's plugin metrics (KIP-877), which the worker
 * exposes over JMX as kafka.connect:type=plugins,connector=...,task=....
 */
final class TieringTaskMetrics implements AutoCloseable {
    private final PluginMetrics metrics;
    private final List<MetricName> names = new ArrayList<>();

    TieringTaskMetrics(PluginMetrics metrics, TieringWriter writer) {
        this.metrics = metrics;
        add(
                "records-written-total",
                "Records in files published to storage.",
                () -> writer.metrics().recordsWritten());
        add(
                "files-written-total",
                "Files published to storage.",
                () -> writer.metrics().filesWritten());
        add(
                "bytes-written-total",
                "Bytes of files published to storage, after compression.",
                () -> writer.metrics().bytesWritten());
        add(
                "bad-records-total",
                "Records that could not be written in the chosen format.",
                () -> writer.metrics().badRecords());
        add("files-open", "Files being written and not yet published.", () -> (long) writer.openFiles());
        add("commit-lag-records", "Records taken from Kafka and not yet in published files.", writer::commitLag);
    }

    private void add(String name, String description, Supplier<Long> value) {
        MetricName metricName = metrics.metricName(name, description, new LinkedHashMap<>());
        metrics.addMetric(metricName, (Gauge<Long>) (config, now) -> value.get());
        names.add(metricName);
    }

    @Override
    public void close() {
        names.forEach(metrics::removeMetric);
    }
}
