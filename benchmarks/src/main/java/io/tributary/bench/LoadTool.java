/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end load tool: measures a running MQTT broker node that writes to Kafka against a raw
 * KafkaProducer baseline, in one invocation. Talks to the given addresses only, and every phase is
 * bounded by --phase-timeout, so it always ends by itself.
 */
@Command(
        name = "tributary-load",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Measures Kafka baseline, MQTT QoS 0/1 throughput and fixed-rate end-to-end"
                + " latency against a running broker; prints a report and a 'SUMMARY {json}' line.")
public final class LoadTool implements Callable<Integer> {

    /** Which phases to run. */
    enum Only {
        baseline,
        throughput,
        latency,
        /** Persistent-session backlog drain; not part of {@code all}. */
        backlog,
        /** One publisher to many subscribers; not part of {@code all}. */
        fanout,
        /** Baseline, throughput and latency: the phases of the tool's first version. */
        all
    }

    static final double INGEST_RATIO_TARGET = 0.5;
    static final double P99_TARGET_MS = 20.0;

    @Option(names = "--mqtt-host", defaultValue = "127.0.0.1", description = "Broker host (${DEFAULT-VALUE}).")
    String mqttHost;

    @Option(names = "--mqtt-port", defaultValue = "1883", description = "Broker port (${DEFAULT-VALUE}).")
    int mqttPort;

    @Option(
            names = "--subscribe-port",
            description = "Port of another node of the same cluster: the latency "
                    + "phase then runs twice, subscriber on the publishers' node (baseline) and on this node, and reports "
                    + "the cross-node / same-node ratio.")
    Integer subscribePort;

    @Option(names = "--mqtt-version", defaultValue = "5", description = "3 or 5 (${DEFAULT-VALUE}).")
    int mqttVersion;

    @Option(
            names = "--kafka-bootstrap",
            defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers for the baseline (${DEFAULT-VALUE}).")
    String kafkaBootstrap;

    @Option(
            names = "--kafka-topic",
            defaultValue = "mqtt.messages",
            description = "Topic the broker writes to; the baseline writes there too (${DEFAULT-VALUE}).")
    String kafkaTopic;

    @Option(names = "--linger-ms", defaultValue = "5", description = "Baseline producer linger.ms (${DEFAULT-VALUE}).")
    int lingerMs;

    @Option(names = "--size", defaultValue = "256", description = "Payload bytes (${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--json-payload",
            description = "Throughput phases publish a JSON reading padded to --size (for schema bindings, "
                    + "docs/schemas.md) instead of random bytes.")
    boolean jsonPayload;

    @Option(
            names = "--no-subscriber",
            description = "Throughput phases run publishers only: the broker ingests and delivers nothing, as the "
                    + "raw-producer baseline only produces (delivered figures are then 0).")
    boolean noSubscriber;

    @Option(
            names = "--messages",
            defaultValue = "200000",
            description = "Messages per baseline / throughput phase, over all publishers (${DEFAULT-VALUE}).")
    long messages;

    @Option(names = "--publishers", defaultValue = "4", description = "MQTT publisher connections (${DEFAULT-VALUE}).")
    int publishers;

    @Option(
            names = "--qos-list",
            defaultValue = "0,1",
            split = ",",
            description = "QoS levels of the throughput phases (${DEFAULT-VALUE}).")
    List<Integer> qosList;

    @Option(
            names = "--session-expiry",
            defaultValue = "0",
            description = "Session Expiry Interval of every client, seconds; above 0 the sessions are persistent"
                    + " (QoS 2 then commits in Kafka transactions on the node) (${DEFAULT-VALUE}).")
    long sessionExpirySeconds;

    @Option(
            names = "--receive-maximum",
            defaultValue = "0",
            description = "Receive Maximum every MQTT 5 client announces; 0 = the client library's default, 65,535"
                    + " (${DEFAULT-VALUE}).")
    int receiveMaximum;

    @Option(
            names = "--latency-qos",
            defaultValue = "1",
            description = "QoS of the latency phase; at 0 its delivered share shows what a paced QoS 0 load loses"
                    + " (${DEFAULT-VALUE}).")
    int latencyQos;

    @Option(names = "--rate", defaultValue = "5000", description = "Latency phase msg/s (${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "20",
            description = "Latency phase recorded seconds (${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description = "Latency phase unrecorded seconds first (${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--only",
            defaultValue = "all",
            split = ",",
            description = "Phases, comma-separated: ${COMPLETION-CANDIDATES}; all = baseline,throughput,latency"
                    + " (${DEFAULT-VALUE}).")
    List<Only> only;

    @Option(
            names = "--backlog-messages",
            defaultValue = "100000",
            description = "backlog: QoS 1 messages waiting for the reconnecting subscriber (${DEFAULT-VALUE}).")
    long backlogMessages;

    @Option(
            names = "--fanout-subscribers",
            defaultValue = "1000",
            description = "fanout: subscribers of the one topic, one connection each (${DEFAULT-VALUE}).")
    int fanoutSubscribers;

    @Option(
            names = "--fanout-messages",
            defaultValue = "1000",
            description = "fanout: messages the one publisher sends; deliveries = this x subscribers"
                    + " (${DEFAULT-VALUE}).")
    long fanoutMessages;

    @Option(names = "--fanout-qos", defaultValue = "1", description = "fanout: QoS (${DEFAULT-VALUE}).")
    int fanoutQos;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
    Path jsonFile;

    @Option(
            names = "--phase-timeout",
            defaultValue = "120",
            description = "Seconds any one phase may take (${DEFAULT-VALUE}).")
    int phaseTimeoutSeconds;

    @Option(
            names = "--connect-timeout",
            defaultValue = "5",
            description = "Seconds to wait for Kafka or the MQTT broker to answer (${DEFAULT-VALUE}).")
    int connectTimeoutSeconds;

    @Option(
            names = "--max-in-flight",
            defaultValue = "1000",
            description = "Unfinished publishes per publisher (latency phase: in total) (${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--drain-idle",
            defaultValue = "3",
            description = "Seconds without arrivals after which lost messages are given up (${DEFAULT-VALUE}).")
    int drainIdleSeconds;

    @Option(names = "--run-id", description = "Topic namespace bench/<run-id>/...; random by default.")
    String runId;

    private final PrintStream out = System.out;
    private final PrintStream progress = System.err;

    public static void main(String[] args) {
        // exit() rather than return: the MQTT and Kafka clients' I/O threads would keep the JVM alive.
        System.exit(new CommandLine(new LoadTool())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        if (runId == null) {
            runId = String.format(
                    Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
        }
        final MqttTarget target = new MqttTarget(
                mqttHost,
                mqttPort,
                mqttVersion,
                Duration.ofSeconds(connectTimeoutSeconds),
                sessionExpirySeconds,
                receiveMaximum);
        out.printf(
                Locale.ROOT,
                "Tributary load test  run-id=%s  mqtt=%s (MQTT %d)  kafka=%s%n",
                runId,
                target.address(),
                mqttVersion,
                kafkaBootstrap);
        out.printf(
                Locale.ROOT,
                "payload=%d B  messages=%,d  publishers=%d  qos=%s  only=%s%n%n",
                size,
                messages,
                publishers,
                qosList,
                String.join(",", only.stream().map(Only::name).toList()));

        final RunSummary summary = new LoadPhases(this, out, progress).run(target);
        out.println();
        out.print(SummaryReport.text(summary));
        out.println();
        out.println(SummaryReport.summaryLine(summary));
        if (jsonFile != null) {
            Files.writeString(jsonFile, Json.write(SummaryReport.tree(summary)) + "\n", StandardCharsets.UTF_8);
        }
        return exitCode(summary);
    }

    boolean runs(Only phase) {
        final boolean inAll = phase == Only.baseline || phase == Only.throughput || phase == Only.latency;
        return only.contains(phase) || inAll && only.contains(Only.all);
    }

    /** 0 when every selected phase completed (or the baseline was skipped); 1 otherwise. */
    static int exitCode(RunSummary summary) {
        boolean ok = summary.baseline() == null
                || summary.baseline().status() == PhaseStatus.COMPLETED
                || summary.baseline().status() == PhaseStatus.SKIPPED;
        for (ThroughputResult result : summary.throughput()) {
            ok &= result.status() == PhaseStatus.COMPLETED;
        }
        ok &= summary.latency() == null || summary.latency().status() == PhaseStatus.COMPLETED;
        ok &= summary.backlog() == null || summary.backlog().status() == PhaseStatus.COMPLETED;
        ok &= summary.fanOut() == null || summary.fanOut().status() == PhaseStatus.COMPLETED;
        return ok ? 0 : 1;
    }

    private void validate() {
        final List<String> problems = new ArrayList<>();
        if (size < 1) problems.add("--size must be >= 1");
        if (messages < 1) problems.add("--messages must be >= 1");
        if (publishers < 1) problems.add("--publishers must be >= 1");
        if (!(rate > 0) || Double.isInfinite(rate)) problems.add("--rate must be > 0");
        if (durationSeconds < 1) problems.add("--duration must be >= 1");
        if (warmupSeconds < 0) problems.add("--warmup must be >= 0");
        if (maxInFlight < 1) problems.add("--max-in-flight must be >= 1");
        if (connectTimeoutSeconds < 1) problems.add("--connect-timeout must be >= 1");
        if (drainIdleSeconds < 1) problems.add("--drain-idle must be >= 1");
        if (mqttVersion != 3 && mqttVersion != 5) problems.add("--mqtt-version must be 3 or 5");
        if (qosList.stream().anyMatch(qos -> qos < 0 || qos > 2)) {
            problems.add("--qos-list takes 0, 1 and/or 2");
        }
        if (latencyQos < 0 || latencyQos > 2) {
            problems.add("--latency-qos must be 0, 1 or 2");
        }
        if (receiveMaximum < 0 || receiveMaximum > 65_535) problems.add("--receive-maximum must be 0..65535");
        if (backlogMessages < 1) problems.add("--backlog-messages must be >= 1");
        if (fanoutSubscribers < 1) problems.add("--fanout-subscribers must be >= 1");
        if (fanoutMessages < 1) problems.add("--fanout-messages must be >= 1");
        if (fanoutQos < 0 || fanoutQos > 2) problems.add("--fanout-qos must be 0, 1 or 2");
        if (runs(Only.latency) && warmupSeconds + durationSeconds + drainIdleSeconds >= phaseTimeoutSeconds) {
            problems.add("--phase-timeout must exceed --warmup + --duration + --drain-idle");
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), String.join("; ", problems));
        }
    }

    Map<String, Object> config() {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("mqtt", mqttHost + ":" + mqttPort);
        config.put("mqtt_version", mqttVersion);
        config.put("kafka_bootstrap", kafkaBootstrap);
        config.put("kafka_topic", kafkaTopic);
        config.put("linger_ms", lingerMs);
        config.put("size_bytes", size);
        config.put("messages", messages);
        config.put("publishers", publishers);
        config.put("subscriber", !noSubscriber);
        config.put("qos_list", List.copyOf(qosList));
        // Whole rates print as 5000, not 5000.000, in both the report header and the JSON.
        config.put("rate", rate == Math.rint(rate) ? (Object) (long) rate : (Object) rate);
        config.put("duration_s", durationSeconds);
        config.put("warmup_s", warmupSeconds);
        config.put("max_in_flight", maxInFlight);
        if (receiveMaximum > 0) {
            config.put("receive_maximum", receiveMaximum);
        }
        config.put("phase_timeout_s", phaseTimeoutSeconds);
        config.put("only", String.join(",", only.stream().map(Only::name).toList()));
        if (runs(Only.backlog)) {
            config.put("backlog_messages", backlogMessages);
        }
        if (runs(Only.fanout)) {
            config.put("fanout_subscribers", fanoutSubscribers);
            config.put("fanout_messages", fanoutMessages);
            config.put("fanout_qos", fanoutQos);
        }
        config.put("cores", Runtime.getRuntime().availableProcessors());
        return config;
    }
}
