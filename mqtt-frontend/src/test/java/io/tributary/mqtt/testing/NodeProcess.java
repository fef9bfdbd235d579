/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.server.BrokerNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A broker node in a child JVM of the test, so that a test can kill it as {@code kill -9} does
 * ({@link Process#destroyForcibly}), or let it halt itself at a crash point ({@code tributary.test.crash.point}, see
 * {@code config.CrashPoint}). Kafka stays in the test's JVM. The child runs {@link #main} on the test class path.
 */
public final class NodeProcess implements AutoCloseable {

    private static final String READY = "tributary-node-ready";

    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a node with {@code settings} against {@code bootstrapServers} and waits until it listens; the file
     * {@code crashFile} names the step where it halts, once the test writes one there.
     */
    public static NodeProcess start(String bootstrapServers, Map<String, Object> settings, Path crashFile, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto"));
        command.add("-Dtributary.test.crash.file=" + crashFile);
        command.addAll(
                List.of("-cp", System.getProperty("java.class.path"), NodeProcess.class.getName(), bootstrapServers));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        NodeProcess node = new NodeProcess(p, log);
        node.awaitReady(Duration.ofSeconds(120)); // a loaded CI machine starts a JVM slowly
        return node;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)
                    && Files.readString(log, StandardCharsets.UTF_8).contains(READY)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("node process exited with " + process.exitValue() + ":\n" + output());
            }
            process.waitFor(50, TimeUnit.MILLISECONDS); // the child's readiness is a line in a file
        }
        process.destroyForcibly();
        throw new IllegalStateException("node process not ready within " + timeout + ":\n" + output());
    }

    /** What the child wrote so far (log lines included). */
    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Waits for the node to halt itself at its crash point; false if it still runs after {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** The child: {@code bootstrapServers key=value...}; prints the ready line once the node listens. */
    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> settings = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        settings.putIfAbsent(OpsSettings.OPS_HTTP_LISTENER_CONFIG, "none"); // 9464 may be taken on a test machine
        BrokerNode node = BrokerNode.start(new BrokerConfig(settings), args[0]);
        System.out.println(READY + " " + node.mqttPort());
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
