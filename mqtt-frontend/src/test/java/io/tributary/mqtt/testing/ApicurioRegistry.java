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
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Apicurio Registry (in-memory storage) as a child process, for one test class: the Confluent Schema
 * Registry API at {@link #url()}. The build unpacks the app into {@code target/apicurio-registry}
 * (maven-dependency-plugin, version in the parent POM); it runs on the test JVM's own Java. Register it on a
 * static field; {@link #stop()} and {@link #start()} let a test take the registry away mid-run.
 * {@link #overTls} serves HTTPS only, with a certificate made at test time.
 */
public final class ApicurioRegistry implements BeforeAllCallback, AfterAllCallback {

    /** The Confluent-compatible API of Apicurio Registry. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final HttpClient http;
    private final TestCertificates.@Nullable Issued tls;
    private Process process;
    private int port;
    private Path log;

    /** A registry serving plain HTTP. */
    public ApicurioRegistry() {
        this(null, null);
    }

    private ApicurioRegistry(TestCertificates.@Nullable Issued tls, @Nullable SSLContext trust) {
        this.tls = tls;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (trust != null) {
            b.sslContext(trust);
        }
        this.http = b.build();
    }

    /**
     * A registry serving HTTPS only (Quarkus's TLS listener with {@code server}'s PKCS12 key store, plain HTTP
     * refused), for clients that trust {@code ca}.
     */
    public static ApicurioRegistry overTls(TestCertificates ca, TestCertificates.Issued server) {
        try {
            SSLContext trust = SSLContext.getInstance("TLS");
            trust.init(null, ca.trustManagers().getTrustManagers(), null);
            return new ApicurioRegistry(server, trust);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

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
        List<String> command =
                new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.host=127.0.0.1"));
        if (tls == null) {
            command.add("-Dquarkus.http.port=" + port);
        } else {
            command.addAll(List.of(
                    "-Dquarkus.http.port=" + freePort(), // unused: plain requests are refused
                    "-Dquarkus.http.ssl-port=" + port,
                    "-Dquarkus.http.insecure-requests=disabled",
                    "-Dquarkus.http.ssl.certificate.key-store-file=" + tls.pkcs12(),
                    "-Dquarkus.http.ssl.certificate.key-store-file-type=PKCS12",
                    "-Dquarkus.http.ssl.certificate.key-store-password=" + TestCertificates.PASSWORD));
        }
        command.addAll(List.of("-Dquarkus.log.level=WARN", "-jar", jar.toString()));
        process = new ProcessBuilder(command)
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
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    private boolean answers() {
        try {
            HttpResponse<Void> r = http.send(
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
