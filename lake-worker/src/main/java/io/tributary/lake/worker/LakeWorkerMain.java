/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lake's Connect worker, a JVM of its own that {@code bin/tributary --lake DIR} starts beside the broker node
 * (so the node never loads Connect, Iceberg or Hadoop). It prints one line on stdout for the node: {@value #READY}
 * , the REST URL and the table once the Iceberg connector runs, or {@value #FAILED} and the reason; logs go to stderr.
 */
@Command(
        name = "lake-worker",
        mixinStandardHelpOptions = true,
        description = "Runs a standalone Kafka Connect worker with the Iceberg sink into a local lake.")
public final class LakeWorkerMain implements Callable<Integer> {
    public static final String READY = "ready ";
    public static final String FAILED = "failed: ";
    /**
     * The node's Kafka client settings (security.protocol, sasl.*, ssl.*, ...) in java.util.Properties form,
     * handed over in the environment rather than on the command line, where every user's ps would show them.
     * The node's LakeWorkerProcess sets it.
     */
    public static final String KAFKA_CLIENT_ENV = "TRIBUTARY_LAKE_KAFKA_CLIENT";

    static final Duration CONNECTOR_START = Duration.ofSeconds(120);

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The lake directory.")
    Path dir;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "Kafka.")
    String bootstrapServers;

    @Option(
            names = "--topics",
            required = true,
            split = ",",
            paramLabel = "TOPIC",
            description = "Kafka topics whose MQTT records go into the table.")
    List<String> topics;

    @Option(
            names = "--plugin-archive",
            required = true,
            paramLabel = "ZIP",
            description = "connect-plugins' archive (tributary-connect-plugins-*.zip).")
    Path pluginArchive;

    @Option(
            names = "--rest-port",
            defaultValue = "8083",
            paramLabel = "PORT",
            description = "Port of the REST API on 127.0.0.1 (default 8083).")
    int restPort;

    @Option(
            names = "--watch-parent",
            description = "Stop when the parent process is gone or closes this process's stdin.")
    boolean watchParent;

    private final PrintStream out;

    LakeWorkerMain(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (watchParent) {
            ParentWatch.exitWhenParentGone(System.in);
        }
        LakeLayout layout = new LakeLayout(dir);
        layout.prepare();
        StandaloneLakeWorker.checkPortFree(restPort);
        PluginArchive.unpack(pluginArchive, layout.pluginPath());
        Map<String, String> generated = LakeConnectorConfig.defaults(layout, topics);
        Map<String, String> connector = LakeConnectorConfig.of(
                layout, topics, LakeConnectorConfig.readOverrides(layout.connectorOverrides(), generated));

        StandaloneLakeWorker worker = StandaloneLakeWorker.start(StandaloneLakeWorker.workerProps(
                layout, bootstrapServers, restPort, kafkaClientSettings(System.getenv(KAFKA_CLIENT_ENV))));
        try {
            worker.putConnector(connector);
            worker.awaitRunning(LakeConnectorConfig.CONNECTOR_NAME, CONNECTOR_START);
        } catch (Exception | Error e) {
            worker.close();
            throw e;
        }
        String catalog = connector.getOrDefault("iceberg.catalog.name", LakeConnectorConfig.CATALOG_NAME);
        String table =
                connector.getOrDefault("iceberg.tables", "").split(",")[0].trim();
        out.println(READY + worker.restUrl() + " " + catalog + "." + (table.isEmpty() ? "*" : table));
        out.flush();
        // Until SIGTERM (Connect's shutdown hook stops the worker) or the parent is gone (ParentWatch).
        worker.awaitStop();
        return 0;
    }

    /** The settings of {@link #KAFKA_CLIENT_ENV}; none when it is not set (a Kafka without authentication). */
    static Map<String, String> kafkaClientSettings(@Nullable String properties) {
        if (properties == null || properties.isBlank()) {
            return Map.of();
        }
        Properties parsed = new Properties();
        try {
            parsed.load(new StringReader(properties));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        Map<String, String> settings = new TreeMap<>();
        parsed.stringPropertyNames().forEach(name -> settings.put(name, parsed.getProperty(name)));
        return settings;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the worker until it stops; a failure is one {@value #FAILED} line on {@code out}, and exit code 1. */
    static int run(String[] args, PrintStream out) {
        CommandLine cli = new CommandLine(new LakeWorkerMain(out));
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String message = cause instanceof LakeSetupException ? cause.getMessage() : cause.toString();
            System.err.println("lake worker failed: " + message);
            cause.printStackTrace();
            out.println(FAILED + message);
            out.flush();
            return 1;
        });
        return cli.execute(args);
    }
}
