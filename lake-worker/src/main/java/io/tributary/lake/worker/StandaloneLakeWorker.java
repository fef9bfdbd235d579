/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo.AbstractState;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.jspecify.annotations.Nullable;

/**
 * A standalone Kafka Connect worker, wired as Kafka's own {@code connect-standalone} wires it (ConnectStandalone:
 * plugins, REST server, Worker, StandaloneHerder), with the lake's connector put into it. Standalone, because one
 * worker beside one node needs no group, no internal topics and no rebalances: connector configs live in memory
 * (the lake's connector is put again at every start), source offsets in a file under the lake directory, and the
 * sinks' progress in their consumer groups and the Iceberg snapshots.
 */
final class StandaloneLakeWorker implements AutoCloseable {
    private static final String BYTES_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private final Connect<StandaloneHerder> connect;

    private StandaloneLakeWorker(Connect<StandaloneHerder> connect) {
        this.connect = connect;
    }

    /** Connect's prefixes of the clients its connectors use: sink tasks consume, source tasks and the DLQ produce. */
    private static final List<String> CLIENT_PREFIXES = List.of("", "consumer.", "producer.", "admin.");

    /**
     * The worker's settings: REST on 127.0.0.1 only, the plugin archive on plugin.path, ${env:...} resolved, and
     * the node's Kafka client settings ({@code kafka.security.protocol} and the like, without the prefix) for the
     * worker's own clients and for those of its connectors, so the lake logs in to a secured Kafka as the node does.
     */
    static Map<String, String> workerProps(
            LakeLayout layout, String bootstrapServers, int restPort, Map<String, String> kafkaClient) {
        Map<String, String> props = new HashMap<>();
        kafkaClient.forEach((name, value) -> CLIENT_PREFIXES.forEach(prefix -> props.put(prefix + name, value)));
        props.put("bootstrap.servers", bootstrapServers);
        props.put("listeners", "http://127.0.0.1:" + restPort);
        props.put("offset.storage.file.filename", layout.offsetsFile().toString());
        props.put("offset.flush.interval.ms", "10000");
        props.put("plugin.path", layout.pluginPath().toString());
        // The archive ships ServiceLoader manifests: no reflective scan of its jars, seconds faster.
        props.put("plugin.discovery", "service_load");
        props.put("key.converter", BYTES_CONVERTER);
        props.put("value.converter", BYTES_CONVERTER);
        // So that examples/*.json from the archive can be posted as they are, with the node's environment.
        props.put("config.providers", "env");
        props.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        return props;
    }

    /** Fails with the port's number when something already listens there: Jetty's own message does not say. */
    static void checkPortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new LakeSetupException("port " + port + " on 127.0.0.1 for the lake's Connect REST API is in use"
                    + " (another Connect worker or lake?): choose another with --lake-connect-port");
        }
    }

    /** Starts the worker; Connect's own failures come back as exceptions instead of ending the JVM. */
    static StandaloneLakeWorker start(Map<String, String> workerProps) {
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Kafka Connect failed to start" + (message == null ? "" : ": " + message));
        });
        try {
            return new StandaloneLakeWorker(new ConnectStandalone().startConnect(workerProps));
        } finally {
            Exit.resetExitProcedure();
        }
    }

    URI restUrl() {
        return connect.rest().advertisedUrl();
    }

    /** Creates or replaces the connector. */
    void putConnector(Map<String, String> config) throws InterruptedException, ExecutionException, TimeoutException {
        FutureCallback<Object> created = new FutureCallback<>();
        connect.herder()
                .putConnectorConfig(
                        config.get("name"), config, true, (error, info) -> created.onCompletion(error, info));
        created.get(60, TimeUnit.SECONDS);
    }

    /**
     * Waits until the connector and all its tasks run. A task fails at start when its catalog or warehouse cannot be
     * opened: that trace's first line is the message.
     */
    void awaitRunning(String connector, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not created";
        while (System.nanoTime() < deadline) {
            ConnectorStateInfo status = status(connector);
            if (status != null) {
                List<ConnectorStateInfo.TaskState> tasks = status.tasks();
                String failure = failure(status.connector());
                for (AbstractState task : tasks) {
                    failure = failure != null ? failure : failure(task);
                }
                if (failure != null) {
                    throw new LakeSetupException("the connector " + connector + " failed: " + failure);
                }
                boolean running = "RUNNING".equals(status.connector().state())
                        && !tasks.isEmpty()
                        && tasks.stream().allMatch(t -> "RUNNING".equals(t.state()));
                if (running) {
                    return;
                }
                last = status.connector().state() + ", tasks "
                        + tasks.stream().map(AbstractState::state).toList();
            }
            Thread.sleep(200);
        }
        throw new LakeSetupException(
                "the connector " + connector + " is not running after " + timeout + " (" + last + ")");
    }

    private @Nullable ConnectorStateInfo status(String connector) {
        try {
            return connect.herder().connectorStatus(connector);
        } catch (RuntimeException notYet) {
            return null;
        }
    }

    private static @Nullable String failure(AbstractState state) {
        if (!"FAILED".equals(state.state())) {
            return null;
        }
        String trace = state.trace() == null ? "(no trace)" : state.trace();
        // The first line says what Connect did, the root cause says why.
        List<String> lines = trace.lines().toList();
        String cause = lines.stream()
                .filter(l -> l.startsWith("Caused by: "))
                .reduce((first, second) -> second)
                .orElse("");
        return lines.isEmpty() ? trace : lines.get(0) + (cause.isEmpty() ? "" : " (" + cause + ")");
    }

    /** Returns once the worker stopped (its shutdown hook ran {@link #close()}). */
    void awaitStop() {
        connect.awaitStop();
    }

    @Override
    public void close() {
        connect.stop();
    }
}
