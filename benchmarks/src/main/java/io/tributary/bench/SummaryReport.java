/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders a {@link RunSummary} for people (aligned text) and for machines (one JSON line). */
public final class SummaryReport {

    /** Prefix of the machine-readable line, so scripts can `grep '^SUMMARY '` it out of the log. */
    public static final String SUMMARY_PREFIX = "SUMMARY ";

    private SummaryReport() {}

    public static String text(RunSummary run) {
        final StringBuilder out = new StringBuilder();
        final BaselineResult baseline = run.baseline();
        if (baseline != null) {
            line(
                    out,
                    "[1] Kafka producer baseline (acks=all, idempotent, linger.ms=%s) -> %s",
                    run.config().get("linger_ms"),
                    run.config().get("kafka_topic"));
            if (baseline.status() == PhaseStatus.SKIPPED || baseline.acked() == 0) {
                line(out, "    baseline %s: %s", baseline.status().label(), baseline.note());
            } else {
                line(
                        out,
                        "    %,d records acked in %.2f s: %,.0f records/s, %.1f MB/s%s",
                        baseline.acked(),
                        baseline.elapsedNanos() / 1e9,
                        baseline.recordsPerSecond(),
                        baseline.megabytesPerSecond(),
                        statusSuffix(baseline.status(), baseline.note()));
                toolCpuLine(out, run, "baseline");
            }
        }
        for (ThroughputResult result : run.throughput()) {
            line(
                    out,
                    "[%d] MQTT QoS %d publish -> subscribe (%s publishers, %s B payload)",
                    result.qos() == 0 ? 2 : 3,
                    result.qos(),
                    run.config().get("publishers"),
                    run.config().get("size_bytes"));
            if (result.status() == PhaseStatus.SKIPPED || result.status() == PhaseStatus.FAILED) {
                line(out, "    %s: %s", result.status().label(), result.note());
                continue;
            }
            line(
                    out,
                    "    published %,d of %,d: %,.0f msg/s, %.1f MB/s%s",
                    result.published(),
                    result.planned(),
                    result.publishRate(),
                    result.publishMegabytesPerSecond(),
                    result.qos() == 1 ? " (PUBACKed = ingested)" : "");
            line(
                    out,
                    "    delivered %,d: %,.0f msg/s, %.2f %% of published%s",
                    result.delivered(),
                    result.deliveredRate(),
                    100 * result.deliveredFraction(),
                    statusSuffix(result.status(), result.note()));
            toolCpuLine(out, run, "qos" + result.qos());
            if (result.qos() == 1) {
                final Optional<Double> ratio = run.qos1IngestRatio();
                line(
                        out,
                        "    ingest / Kafka baseline: %s (target >= %.2f: %s)",
                        ratio.map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("n/a"),
                        run.ingestRatioTarget(),
                        verdict(run.ingestRatioMet()));
            }
        }
        final LatencyResult latency = run.latency();
        if (latency != null) {
            line(
                    out,
                    "[4] End-to-end latency, QoS %d at %s msg/s for %s s after a %s s warm-up",
                    latency.qos(),
                    run.config().get("rate"),
                    run.config().get("duration_s"),
                    run.config().get("warmup_s"));
            if (latency.status() == PhaseStatus.SKIPPED || latency.status() == PhaseStatus.FAILED) {
                line(out, "    %s: %s", latency.status().label(), latency.note());
            } else {
                line(
                        out,
                        "    achieved %,.1f msg/s; sent %,d, delivered %,d (%.2f %%); max send lag %.3f ms%s",
                        latency.achievedRate(),
                        latency.sent(),
                        latency.delivered(),
                        100 * latency.deliveredFraction(),
                        latency.maxLagMs(),
                        statusSuffix(latency.status(), latency.note()));
                line(out, "    %-15s %9s %9s %9s %9s", "latency (ms)", "p50", "p99", "p99.9", "max");
                latencyRow(out, "from send", latency.fromSend());
                latencyRow(out, "from schedule", latency.fromSchedule());
                toolCpuLine(out, run, "latency");
                line(out, "    p99 < %.0f ms: %s", run.p99TargetMs(), verdict(run.p99Met()));
            }
        }
        backlogText(out, run);
        fanOutText(out, run);
        return out.toString();
    }

    private static void backlogText(StringBuilder out, RunSummary run) {
        final BacklogResult backlog = run.backlog();
        if (backlog == null) {
            return;
        }
        line(
                out,
                "[5] Persistent-session backlog (%s B payload, QoS 1)",
                run.config().get("size_bytes"));
        if (backlog.status() == PhaseStatus.SKIPPED || backlog.status() == PhaseStatus.FAILED) {
            line(out, "    %s: %s", backlog.status().label(), backlog.note());
            return;
        }
        line(
                out,
                "    queued %,d (PUBACKed at %,.0f msg/s) while the subscriber was away",
                backlog.queued(),
                backlog.fillRate());
        line(
                out,
                "    drained %,d in %.2f s after its reconnect: %,.0f msg/s%s",
                backlog.delivered(),
                backlog.drainNanos() / 1e9,
                backlog.drainRate(),
                statusSuffix(backlog.status(), backlog.note()));
        toolCpuLine(out, run, "backlog");
    }

    private static void fanOutText(StringBuilder out, RunSummary run) {
        final FanOutResult fanOut = run.fanOut();
        if (fanOut == null) {
            return;
        }
        line(
                out,
                "[6] Fan-out: 1 publisher -> %,d subscribers of one topic (QoS %d, %s B payload)",
                fanOut.subscribers(),
                fanOut.qos(),
                run.config().get("size_bytes"));
        if (fanOut.status() == PhaseStatus.SKIPPED || fanOut.status() == PhaseStatus.FAILED) {
            line(out, "    %s: %s", fanOut.status().label(), fanOut.note());
            return;
        }
        line(
                out,
                "    subscribers connected in %.2f s; published %,d: %,.0f msg/s",
                fanOut.connectNanos() / 1e9,
                fanOut.published(),
                fanOut.publishRate());
        line(
                out,
                "    delivered %,d of %,d: %,.0f msg/s over all subscribers%s",
                fanOut.delivered(),
                fanOut.expected(),
                fanOut.deliveredRate(),
                statusSuffix(fanOut.status(), fanOut.note()));
        toolCpuLine(out, run, "fanout");
    }

    /** The JSON tree: stable snake_case keys, rates per second, latencies in milliseconds. */
    public static Map<String, Object> tree(RunSummary run) {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "tributary-load");
        root.put("run_id", run.runId());
        root.put("config", run.config());
        root.put("baseline", run.baseline() == null ? null : baselineTree(run.baseline()));
        final List<Object> throughput = new ArrayList<>();
        run.throughput().forEach(result -> throughput.add(throughputTree(result)));
        root.put("throughput", throughput);
        root.put("latency", run.latency() == null ? null : latencyTree(run.latency()));
        if (run.backlog() != null) {
            root.put("backlog", backlogTree(run.backlog()));
        }
        if (run.fanOut() != null) {
            root.put("fanout", fanOutTree(run.fanOut()));
        }
        final Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("qos1_ingest_ratio", run.qos1IngestRatio().orElse(null));
        targets.put("qos1_ingest_ratio_target", run.ingestRatioTarget());
        targets.put("qos1_ingest_ratio_met", run.ingestRatioMet().orElse(null));
        targets.put(
                "p99_ms",
                run.latency() == null ? null : run.latency().fromSend().p99Ms());
        targets.put("p99_target_ms", run.p99TargetMs());
        targets.put("p99_met", run.p99Met().orElse(null));
        root.put("targets", targets);
        final Map<String, Object> cpu = new LinkedHashMap<>();
        run.toolCpuCores().forEach((phase, cores) -> cpu.put(phase, cores));
        root.put("tool_cpu_cores", cpu);
        return root;
    }

    public static String summaryLine(RunSummary run) {
        return SUMMARY_PREFIX + Json.write(tree(run));
    }

    static String verdict(Optional<Boolean> met) {
        return met.map(ok -> ok ? "MET" : "MISSED").orElse("not measured");
    }

    private static Map<String, Object> baselineTree(BaselineResult result) {
        final Map<String, Object> node = statusNode(result.status(), result.note());
        node.put("records", result.acked());
        node.put("failed", result.failed());
        node.put("seconds", result.elapsedNanos() / 1e9);
        node.put("records_per_sec", result.recordsPerSecond());
        node.put("mb_per_sec", result.megabytesPerSecond());
        return node;
    }

    private static Map<String, Object> throughputTree(ThroughputResult result) {
        final Map<String, Object> node = statusNode(result.status(), result.note());
        node.put("qos", result.qos());
        node.put("planned", result.planned());
        node.put("published", result.published());
        node.put("failed", result.failed());
        node.put("delivered", result.delivered());
        node.put("publish_msgs_per_sec", result.publishRate());
        node.put("publish_mb_per_sec", result.publishMegabytesPerSecond());
        node.put("delivered_msgs_per_sec", result.deliveredRate());
        node.put("delivered_fraction", result.deliveredFraction());
        return node;
    }

    private static Map<String, Object> backlogTree(BacklogResult result) {
        final Map<String, Object> node = statusNode(result.status(), result.note());
        node.put("queued", result.queued());
        node.put("delivered", result.delivered());
        node.put("fill_msgs_per_sec", result.fillRate());
        node.put("drain_seconds", result.drainNanos() / 1e9);
        node.put("drain_msgs_per_sec", result.drainRate());
        return node;
    }

    private static Map<String, Object> fanOutTree(FanOutResult result) {
        final Map<String, Object> node = statusNode(result.status(), result.note());
        node.put("qos", result.qos());
        node.put("subscribers", result.subscribers());
        node.put("connect_seconds", result.connectNanos() / 1e9);
        node.put("published", result.published());
        node.put("publish_msgs_per_sec", result.publishRate());
        node.put("expected", result.expected());
        node.put("delivered", result.delivered());
        node.put("delivered_msgs_per_sec", result.deliveredRate());
        node.put("delivered_fraction", result.deliveredFraction());
        return node;
    }

    private static Map<String, Object> latencyTree(LatencyResult result) {
        final Map<String, Object> node = statusNode(result.status(), result.note());
        node.put("qos", result.qos());
        node.put("target_rate", result.targetRate());
        node.put("achieved_rate", result.achievedRate());
        node.put("sent", result.sent());
        node.put("delivered", result.delivered());
        node.put("max_send_lag_ms", result.maxLagMs());
        node.put("from_send_ms", percentileTree(result.fromSend()));
        node.put("from_schedule_ms", percentileTree(result.fromSchedule()));
        return node;
    }

    private static Map<String, Object> percentileTree(LatencySummary summary) {
        final Map<String, Object> node = new LinkedHashMap<>();
        node.put("count", summary.count());
        node.put("p50", summary.p50Ms());
        node.put("p99", summary.p99Ms());
        node.put("p999", summary.p999Ms());
        node.put("max", summary.maxMs());
        return node;
    }

    private static Map<String, Object> statusNode(PhaseStatus status, String note) {
        final Map<String, Object> node = new LinkedHashMap<>();
        node.put("status", status.label());
        node.put("note", note == null || note.isEmpty() ? null : note);
        return node;
    }

    private static void toolCpuLine(StringBuilder out, RunSummary run, String phase) {
        run.toolCpu(phase)
                .ifPresent(cores -> line(
                        out,
                        "    load tool itself used %.2f of %s cores",
                        cores,
                        run.config().getOrDefault("cores", "?")));
    }

    private static void latencyRow(StringBuilder out, String label, LatencySummary summary) {
        line(
                out,
                "    %-15s %9.3f %9.3f %9.3f %9.3f",
                label,
                summary.p50Ms(),
                summary.p99Ms(),
                summary.p999Ms(),
                summary.maxMs());
    }

    private static String statusSuffix(PhaseStatus status, String note) {
        if (status == PhaseStatus.COMPLETED && (note == null || note.isEmpty())) {
            return "";
        }
        final String why = note == null || note.isEmpty() ? "" : ": " + note;
        return status == PhaseStatus.COMPLETED ? " [" + note + "]" : " [" + status.label() + why + "]";
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
