/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Apicurio Registry (in-memory storage) as a child process, for one test class: the Confluent Schema
 * Registry API at {@link #url()}. The build unpacks the app into {@code target/apicurio-registry}
 * (maven-dependency-plugin, version in the parent POM); it runs on the test JVM's own Java. Register it on a
 * static field; {@link #stop()} and {@link #start()} let a test take the registry away mid-run.
 */
public final class ApicurioRegistry implements BeforeAllCallback, AfterAllCallback {

    /** The Confluent-compatible API of Apicurio Registry. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Process process;
    private int port;
    private Path log;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts the registry on a free port and waits until its API answers (about 5 s). */
    public void start() throws IOException {
        Path home = Path.of(System.getProperty("apicurio.home", "target/apicurio-registry"))
                .toAbsolutePath();
        Path jar = runnerJar(home);
        port = freePort();
        log = home.resolve("registry-" + port + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-Dquarkus.http.port=" + port,
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.log.level=WARN",
                        "-jar",
                        jar.toString()))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        await("Apicurio Registry on port " + port + " (log " + log + ")")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("Apicurio Registry exited: see " + log);
                    }
                    return answers();
                });
    }

    /** Stops the registry (its in-memory schemas are gone); the port stays closed until {@link #start()}. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** The base URL of the Confluent-compatible API, for {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    private boolean answers() {
        try {
            HttpResponse<Void> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** 2.x ships {@code *-runner.jar}; 3.x a {@code quarkus-app/quarkus-run.jar}. */
    private static Path runnerJar(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException(home.toAbsolutePath()
                    + " is missing: the build unpacks Apicurio Registry there before the ITs (mvn verify)");
        }
        try (Stream<Path> files = Files.walk(home, 3)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")
                            || p.getFileName().toString().equals("quarkus-run.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Apicurio runner jar under " + home));
        }
    }

    /** A port nothing listens on now (used for the registry, and for "a registry that is down"). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
