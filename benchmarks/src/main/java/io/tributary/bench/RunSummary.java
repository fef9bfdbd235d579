/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one invocation measured, plus the targets it is judged against.
 *
 * @param config the effective options, echoed so a JSON file stands on its own
 * @param latency null when the latency phase was not selected
 * @param baseline null when the baseline phase was not selected
 * @param backlog null when the backlog phase was not selected
 * @param fanOut null when the fan-out phase was not selected
 * @param toolCpuCores cores the load tool itself used, per phase key ("baseline", "qos0", "qos1",
 *     "latency"); on a machine shared with the broker this bounds what the broker could get
 */
public record RunSummary(
        String runId,
        Map<String, Object> config,
        BaselineResult baseline,
        List<ThroughputResult> throughput,
        LatencyResult latency,
        double ingestRatioTarget,
        double p99TargetMs,
        Map<String, Double> toolCpuCores,
        BacklogResult backlog,
        FanOutResult fanOut) {

    /** A run of the baseline, throughput and latency phases only. */
    public RunSummary(
            String runId,
            Map<String, Object> config,
            BaselineResult baseline,
            List<ThroughputResult> throughput,
            LatencyResult latency,
            double ingestRatioTarget,
            double p99TargetMs,
            Map<String, Double> toolCpuCores) {
        this(runId, config, baseline, throughput, latency, ingestRatioTarget, p99TargetMs, toolCpuCores, null, null);
    }

    /** Cores the tool used in {@code phase}; empty when that phase did not run. */
    public Optional<Double> toolCpu(String phase) {
        return Optional.ofNullable(toolCpuCores.get(phase)).filter(Double::isFinite);
    }

    public Optional<ThroughputResult> throughputAt(int qos) {
        return throughput.stream().filter(result -> result.qos() == qos).findFirst();
    }

    /** QoS 1 ingest rate over the raw producer rate; empty unless both were measured in full. */
    public Optional<Double> qos1IngestRatio() {
        if (baseline == null || !baseline.usableAsBaseline()) {
            return Optional.empty();
        }
        return throughputAt(1)
                .filter(result -> result.status() == PhaseStatus.COMPLETED && result.published() > 0)
                .map(result -> result.publishRate() / baseline.recordsPerSecond());
    }

    public Optional<Boolean> ingestRatioMet() {
        return qos1IngestRatio().map(ratio -> ratio >= ingestRatioTarget);
    }

    public Optional<Boolean> p99Met() {
        if (latency == null || latency.fromSend().count() == 0) {
            return Optional.empty();
        }
        return Optional.of(latency.fromSend().p99Below(p99TargetMs));
    }
}
