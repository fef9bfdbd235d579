/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the phases selected by a {@link LoadTool}'s options, in order (Kafka baseline, MQTT throughput per QoS,
 * latency), and gathers their results and the tool's own CPU use into one {@link RunSummary}. A phase that cannot
 * run ends up skipped or failed in the summary instead of ending the run, so the report always covers every phase.
 */
final class LoadPhases {

    private final LoadTool options;
    private final PrintStream out;
    private final PrintStream progress;

    LoadPhases(LoadTool options, PrintStream out, PrintStream progress) {
        this.options = options;
        this.out = out;
        this.progress = progress;
    }

    RunSummary run(MqttTarget target) {
        final Map<String, Double> toolCpu = new LinkedHashMap<>();
        BaselineResult baseline = null;
        if (options.runs(LoadTool.Only.baseline)) {
            final CpuMeter cpu = CpuMeter.start();
            baseline = runBaseline();
            toolCpu.put("baseline", cpu.coresUsed());
        }
        final boolean anyMqtt = options.runs(LoadTool.Only.throughput)
                || options.runs(LoadTool.Only.latency)
                || options.runs(LoadTool.Only.backlog)
                || options.runs(LoadTool.Only.fanout);
        final String mqttDown = anyMqtt ? probe(target) : null;
        final List<ThroughputResult> throughput = new ArrayList<>();
        if (options.runs(LoadTool.Only.throughput)) {
            for (int qos : options.qosList) {
                final CpuMeter cpu = CpuMeter.start();
                throughput.add(mqttDown != null ? ThroughputResult.skipped(qos, mqttDown) : runThroughput(target, qos));
                toolCpu.put("qos" + qos, cpu.coresUsed());
            }
        }
        LatencyResult latency = null;
        if (options.runs(LoadTool.Only.latency)) {
            final CpuMeter cpu = CpuMeter.start();
            latency = mqttDown != null ? LatencyResult.skipped(mqttDown) : runLatency(target, target);
            toolCpu.put("latency", cpu.coresUsed());
            if (options.subscribePort != null && mqttDown == null) {
                final MqttTarget other = new MqttTarget(
                        options.mqttHost,
                        options.subscribePort,
                        options.mqttVersion,
                        Duration.ofSeconds(options.connectTimeoutSeconds));
                final LatencyResult cross = runLatency(target, other);
                crossNode(latency, cross, other);
            }
        }
        BacklogResult backlog = null;
        if (options.runs(LoadTool.Only.backlog)) {
            final CpuMeter cpu = CpuMeter.start();
            backlog = mqttDown != null ? BacklogResult.skipped(mqttDown) : runBacklog(target);
            toolCpu.put("backlog", cpu.coresUsed());
        }
        FanOutResult fanOut = null;
        if (options.runs(LoadTool.Only.fanout)) {
            final CpuMeter cpu = CpuMeter.start();
            fanOut = mqttDown != null ? FanOutResult.skipped(mqttDown) : runFanOut(target);
            toolCpu.put("fanout", cpu.coresUsed());
        }

        return new RunSummary(
                options.runId,
                options.config(),
                baseline,
                List.copyOf(throughput),
                latency,
                LoadTool.INGEST_RATIO_TARGET,
                LoadTool.P99_TARGET_MS,
                Collections.unmodifiableMap(toolCpu),
                backlog,
                fanOut);
    }

    private BacklogResult runBacklog(MqttTarget target) {
        progress.printf(
                "[5] backlog: %,d QoS 1 messages for a persistent session, then its subscriber reconnects ...%n",
                options.backlogMessages);
        try {
            return BacklogPhase.run(new BacklogPhase.Settings(
                    target,
                    options.runId + "-backlog",
                    options.publishers,
                    options.backlogMessages,
                    options.size,
                    options.maxInFlight,
                    options.sessionExpirySeconds > 0 ? options.sessionExpirySeconds : 3600,
                    Duration.ofSeconds(options.drainIdleSeconds),
                    phaseTimeout()));
        } catch (Exception e) {
            return BacklogResult.failed(String.valueOf(e.getMessage()), options.size);
        }
    }

    private FanOutResult runFanOut(MqttTarget target) {
        progress.printf(
                "[6] fan-out: 1 publisher -> %,d subscribers of one topic, %,d QoS %d messages ...%n",
                options.fanoutSubscribers, options.fanoutMessages, options.fanoutQos);
        try {
            return FanOutPhase.run(new FanOutPhase.Settings(
                    target,
                    options.runId + "-fan",
                    options.fanoutQos,
                    options.fanoutSubscribers,
                    options.fanoutMessages,
                    options.size,
                    options.maxInFlight,
                    Duration.ofSeconds(options.drainIdleSeconds),
                    phaseTimeout()));
        } catch (Exception e) {
            return FanOutResult.failed(
                    String.valueOf(e.getMessage()), options.fanoutQos, options.size, options.fanoutSubscribers);
        }
    }

    private BaselineResult runBaseline() {
        progress.printf(
                "[1] Kafka baseline: %,d records to %s at %s ...%n",
                options.messages, options.kafkaTopic, options.kafkaBootstrap);
        final List<String> keys = new ArrayList<>();
        for (int p = 0; p < options.publishers; p++) {
            keys.add("bench/" + options.runId + "-baseline/" + p);
        }
        final BaselineResult result = KafkaBaseline.run(new KafkaBaseline.Settings(
                options.kafkaBootstrap,
                options.kafkaTopic,
                options.size,
                options.messages,
                options.lingerMs,
                keys,
                Duration.ofSeconds(options.connectTimeoutSeconds),
                phaseTimeout()));
        if (result.status() == PhaseStatus.SKIPPED) {
            progress.println("    baseline skipped: " + result.note());
        }
        return result;
    }

    /** One connection up front, so an absent broker costs one timeout, not one per phase. */
    private String probe(MqttTarget target) {
        try {
            BenchClient.connect(target, "bench-" + options.runId + "-probe").disconnect();
            return null;
        } catch (Exception e) {
            final String why = e.getMessage();
            progress.println("MQTT phases skipped: " + why);
            return why;
        }
    }

    private ThroughputResult runThroughput(MqttTarget target, int qos) {
        progress.printf(
                "[%d] MQTT QoS %d throughput: %,d messages from %d publishers ...%n",
                qos == 0 ? 2 : 3, qos, options.messages, options.publishers);
        try {
            return ThroughputPhase.run(new ThroughputPhase.Settings(
                    target,
                    options.runId + "-q" + qos,
                    qos,
                    options.publishers,
                    options.messages,
                    options.size,
                    options.maxInFlight,
                    Duration.ofSeconds(options.drainIdleSeconds),
                    phaseTimeout(),
                    options.jsonPayload,
                    !options.noSubscriber));
        } catch (Exception e) {
            return new ThroughputResult(
                    qos,
                    PhaseStatus.FAILED,
                    String.valueOf(e.getMessage()),
                    options.size,
                    options.messages,
                    0,
                    0,
                    0,
                    0,
                    0);
        }
    }

    /** Prints the cross-node latency next to the same-node baseline of this run, as ratios. */
    private void crossNode(LatencyResult same, LatencyResult cross, MqttTarget other) {
        out.printf(
                Locale.ROOT,
                "%nCross-node latency (publishers on %s, subscriber on %s), QoS 1 at %.0f msg/s:%n",
                options.mqttHost + ":" + options.mqttPort,
                other.address(),
                options.rate);
        out.printf(
                Locale.ROOT,
                "  same node : p50 %.1f ms  p99 %.1f ms  (%d of %d delivered)%n",
                same.fromSend().p50Ms(),
                same.fromSend().p99Ms(),
                same.delivered(),
                same.sent());
        out.printf(
                Locale.ROOT,
                "  other node: p50 %.1f ms  p99 %.1f ms  (%d of %d delivered)%n",
                cross.fromSend().p50Ms(),
                cross.fromSend().p99Ms(),
                cross.delivered(),
                cross.sent());
        if (same.fromSend().p50Ms() > 0 && same.fromSend().p99Ms() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  ratio     : p50 %.2f x  p99 %.2f x%n",
                    cross.fromSend().p50Ms() / same.fromSend().p50Ms(),
                    cross.fromSend().p99Ms() / same.fromSend().p99Ms());
        }
    }

    private LatencyResult runLatency(MqttTarget target, MqttTarget subscriberTarget) {
        progress.printf(
                Locale.ROOT,
                "[4] latency: QoS %d at %.0f msg/s, %d s warm-up + %d s, subscriber on %s ...%n",
                options.latencyQos,
                options.rate,
                options.warmupSeconds,
                options.durationSeconds,
                subscriberTarget.address());
        try {
            return LatencyPhase.run(new LatencyPhase.Settings(
                    target,
                    options.runId + "-lat-" + subscriberTarget.port(),
                    options.latencyQos,
                    options.publishers,
                    options.size,
                    options.rate,
                    Duration.ofSeconds(options.warmupSeconds),
                    Duration.ofSeconds(options.durationSeconds),
                    options.maxInFlight,
                    Duration.ofSeconds(options.drainIdleSeconds),
                    phaseTimeout(),
                    subscriberTarget));
        } catch (Exception e) {
            return new LatencyResult(
                    PhaseStatus.FAILED,
                    String.valueOf(e.getMessage()),
                    1,
                    options.rate,
                    0,
                    0,
                    0,
                    0,
                    LatencySummary.empty(),
                    LatencySummary.empty());
        }
    }

    private Duration phaseTimeout() {
        return Duration.ofSeconds(options.phaseTimeoutSeconds);
    }
}
