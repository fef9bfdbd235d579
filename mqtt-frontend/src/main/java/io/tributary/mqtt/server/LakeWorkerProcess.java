/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.placement.MappingSync;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.placement.PlacementImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake of {@code bin/tributary --lake DIR}: a Kafka Connect worker (module lake-worker) in a child JVM, so that
 * the node never loads Connect, Iceberg or Hadoop. The child holds the node's end of a pipe on its stdin and stops
 * when it closes, so it also ends when the node is killed; a normal stop ends it first, while Kafka is still up.
 * The child says {@code ready URL TABLE} or {@code failed: REASON} on stdout and logs to DIR/connect/worker.log.
 */
public final class LakeWorkerProcess implements AutoCloseable {
    public static final int DEFAULT_REST_PORT = 8083;
    /** Set by bin/tributary: the lake worker's class path and the Connect plugin archive (connect-plugins' zip). */
    public static final String CLASSPATH_PROPERTY = "tributary.lake.classpath";

    public static final String PLUGIN_PROPERTY = "tributary.lake.plugin";
    /** JVM options of the worker; the default suits a laptop. */
    public static final String OPTS_ENV = "TRIBUTARY_LAKE_OPTS";

    /**
     * The node's Kafka client settings for the worker, in java.util.Properties form (read by lake-worker's
     * LakeWorkerMain): in the environment, not on the command line, where ps would show a password.
     */
    static final String KAFKA_CLIENT_ENV = "TRIBUTARY_LAKE_KAFKA_CLIENT";

    private static final String DEFAULT_OPTS = "-Xms256m -Xmx1g";
    private static final String MAIN = "io.tributary.lake.worker.LakeWorkerMain";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
    private static final Logger LOG = LoggerFactory.getLogger(LakeWorkerProcess.class);

    private final Plan plan;
    private final Process process;
    private final String restUrl;
    private final String table;
    private volatile boolean closing;

    private LakeWorkerProcess(Plan plan, Process process, String readyLine) {
        this.plan = plan;
        this.process = process;
        String[] words = readyLine.split(" ");
        this.restUrl = words.length > 1 ? words[1] : "";
        this.table = words.length > 2 ? words[2] : "";
        process.onExit().thenAccept(p -> {
            if (!closing) {
                LOG.error("The lake's Connect worker exited with code {}; see {}", p.exitValue(), plan.log());
            }
        });
    }

    /** Everything checked before the node starts, so that a mistake costs no Kafka start. */
    public record Plan(Path dir, int restPort, String classpath, Path pluginArchive) {

        /** With the worker's class path and plugin archive that bin/tributary passes as system properties. */
        public static Plan check(Path lakeDir, int restPort) {
            return check(
                    lakeDir, restPort, System.getProperty(CLASSPATH_PROPERTY), System.getProperty(PLUGIN_PROPERTY));
        }

        static Plan check(Path lakeDir, int restPort, @Nullable String classpath, @Nullable String pluginArchive) {
            Path dir = lakeDir.toAbsolutePath().normalize();
            try {
                Files.createDirectories(dir);
                Files.delete(Files.createTempFile(dir, ".write-check", ""));
            } catch (IOException | SecurityException e) {
                throw new ConfigException("--lake", dir.toString(), "not a writable directory (" + e + ")");
            }
            if (restPort < 1 || restPort > 65535) {
                throw new ConfigException("--lake-connect-port", restPort, "not a port number");
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), restPort));
            } catch (IOException e) {
                throw new ConfigException(
                        "--lake-connect-port",
                        restPort,
                        "port in use on 127.0.0.1 (another"
                                + " Connect worker or lake?): choose another with --lake-connect-port");
            }
            // Then what bin/tributary builds: the user's own arguments are checked first.
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalStateException("--lake needs the lake worker (-D" + CLASSPATH_PROPERTY
                        + " is not set): start the node with bin/tributary, which builds and sets it");
            }
            if (pluginArchive == null || pluginArchive.isBlank()) {
                throw new IllegalStateException("--lake needs the Connect plugin archive (-D" + PLUGIN_PROPERTY
                        + " is not set): start the node with bin/tributary, which builds and sets it");
            }
            Path archive = Path.of(pluginArchive);
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("the Connect plugin archive " + archive + " is not built: run"
                        + " `mvn -B -pl connect-plugins -am package -DskipTests` (bin/tributary --lake builds it)");
            }
            return new Plan(dir, restPort, classpath, archive);
        }

        public Path log() {
            return dir.resolve("connect").resolve("worker.log");
        }

        /**
         * Starts the worker and waits until its Iceberg connector runs. {@code kafkaClient}: the node's Kafka client
         * settings ({@code KafkaClientSettings.common}), which the worker's clients log in with too.
         */
        public LakeWorkerProcess start(
                String bootstrapServers, Collection<String> topics, Map<String, Object> kafkaClient) {
            Process process;
            try {
                Files.createDirectories(log().getParent());
                ProcessBuilder builder = new ProcessBuilder(command(bootstrapServers, topics));
                builder.environment().put(KAFKA_CLIENT_ENV, kafkaClientEnvironment(kafkaClient));
                process = builder.redirectInput(ProcessBuilder.Redirect.PIPE)
                        .redirectOutput(ProcessBuilder.Redirect.PIPE)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log().toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the lake's Connect worker", e);
            }
            String line = awaitFirstLine(process);
            if (line != null && line.startsWith("ready ")) {
                return new LakeWorkerProcess(this, process, line);
            }
            stop(process);
            String why = line == null
                    ? "it exited with code " + process.exitValue()
                    : line.startsWith("failed: ") ? line.substring("failed: ".length()) : line;
            throw new IllegalStateException(
                    "the lake's Connect worker did not start: " + why + " (log: " + log() + ")");
        }

        private List<String> command(String bootstrapServers, Collection<String> topics) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String opts = System.getenv().getOrDefault(OPTS_ENV, DEFAULT_OPTS);
            for (String opt : opts.trim().split("\\s+")) {
                if (!opt.isEmpty()) {
                    command.add(opt);
                }
            }
            command.addAll(List.of("-cp", classpath, MAIN));
            command.addAll(List.of("--dir", dir.toString(), "--bootstrap-servers", bootstrapServers));
            command.addAll(List.of("--topics", String.join(",", topics), "--plugin-archive", pluginArchive.toString()));
            command.addAll(List.of("--rest-port", Integer.toString(restPort), "--watch-parent"));
            return command;
        }
    }

    /** {@code kafkaClient} without bootstrap.servers (an argument of its own), as the text of a properties file. */
    static String kafkaClientEnvironment(Map<String, Object> kafkaClient) {
        Properties props = new Properties();
        kafkaClient.forEach((name, value) -> {
            if (!name.equals("bootstrap.servers") && value != null) {
                props.setProperty(name, String.valueOf(value));
            }
        });
        StringWriter text = new StringWriter();
        try {
            props.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** The first line the worker prints, or null when it exited without one (or took too long). */
    private static @Nullable String awaitFirstLine(Process process) {
        CompletableFuture<@Nullable String> first = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        first.complete(out.readLine());
                        while (out.readLine() != null) {
                            // nothing more is said; reading on keeps the pipe from filling
                        }
                    } catch (IOException e) {
                        first.complete(null);
                    }
                },
                "lake-worker-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return first.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** The Kafka topics that carry MQTT messages, as the node's router sees them at start. */
    public static List<String> messageTopics(BrokerConfig config, PlacementImage image) {
        return List.copyOf(new TopicRouter(
                        config.getString(BrokerConfig.MESSAGES_TOPIC_CONFIG),
                        MappingSync.rulesOf(config.mappingRules(), config.internalTopics(), image))
                .messageTopics());
    }

    public long pid() {
        return process.pid();
    }

    /** Where the table is and how to query it, for the console. */
    public List<String> describe() {
        Path dir = plan.dir();
        return List.of(
                "  Lake:  Iceberg table " + table + " (catalog jdbc:sqlite:" + dir.resolve("catalog.db")
                        + ", warehouse " + dir.resolve("warehouse") + ")",
                "         Kafka Connect REST " + restUrl + " (log " + plan.log() + ")",
                "         Query with spark-sql (jars and more: docs/iceberg.md):",
                "           --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog"
                        + " --conf spark.sql.catalog.lake.type=jdbc",
                "           --conf spark.sql.catalog.lake.uri=jdbc:sqlite:" + dir.resolve("catalog.db")
                        + " --conf spark.sql.catalog.lake.warehouse=" + dir.resolve("warehouse"),
                "           --conf spark.sql.catalog.lake.jdbc.init-catalog-tables=false",
                "           -e 'SELECT * FROM " + table + " ORDER BY kafka_ts DESC LIMIT 10'");
    }

    /** Stops the worker (Connect commits and closes its tasks), then forcibly if it takes too long. */
    @Override
    public void close() {
        closing = true;
        stop(process);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
