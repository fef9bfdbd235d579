/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.it;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A broker node started as bin/tributary starts it: {@code java -cp mqtt-frontend/target/classes:target/lib/*
 * TributaryCommand} with the lake worker's class path and the plugin archive as system properties (the paths come
 * from the build, see lake-worker/pom.xml). Its console output is kept for assertions and failure messages.
 */
final class NodeProcess implements AutoCloseable {
    private static final String READY = "Press Ctrl-C to stop.";

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private NodeProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "node-output");
        reader.setDaemon(true);
        reader.start();
    }

    static NodeProcess start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-Dio.netty.leakDetection.level=disabled",
                "-Dtributary.lake.classpath=" + System.getProperty("tributary.lake.classpath"),
                "-Dtributary.lake.plugin=" + System.getProperty("tributary.lake.plugin"),
                "-cp",
                System.getProperty("tributary.node.classpath"),
                "io.tributary.mqtt.server.TributaryCommand"));
        command.addAll(args);
        command.addAll(List.of("--set", "ops.http.listener=127.0.0.1:0")); // 9464 may be taken on a shared machine
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TRIBUTARY_LAKE_OPTS", "-Xmx512m");
        return new NodeProcess(builder.start());
    }

    private void readOutput() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
                System.out.println("[node] " + line);
            }
        } catch (IOException e) {
            output.add("(output closed: " + e + ")");
        }
    }

    /** Waits for the node's "running" banner, which it prints once the lake's connector runs. */
    NodeProcess awaitRunning(Duration timeout) {
        await("the node and its lake running")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .failFast("the node exited: " + output, () -> !process.isAlive())
                .until(() -> output.contains(READY));
        return this;
    }

    /** The lake's Connect worker: the node's child JVM running LakeWorkerMain. */
    ProcessHandle lakeWorker() {
        return process.children()
                .filter(child -> child.info()
                        .commandLine()
                        .map(line -> line.contains("io.tributary.lake.worker.LakeWorkerMain"))
                        .orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no lake worker under the node: " + output));
    }

    List<String> output() {
        return List.copyOf(output);
    }

    Process process() {
        return process;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
