/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (in-memory storage) in a JVM of its own, for the lake modules' tests: the Confluent
 * Schema Registry API at {@link #url()}, and the calls a producer's tooling makes on it (register a version, set
 * a subject's compatibility). The module's build unpacks the app (maven-dependency-plugin's
 * {@code unpack-apicurio-registry}, the artifact mqtt-frontend's ITs use, from the same local repository) into
 * {@code target/apicurio-registry}, or where {@code apicurio.home} points.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {

    /** The Confluent-compatible API of Apicurio Registry. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path home;
    private final int port;
    private Process process;

    private ApicurioRegistryProcess(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /** Starts the registry on a free port and waits until its API answers (about 5 s). */
    public static ApicurioRegistryProcess start() throws IOException {
        Path home = Path.of(System.getProperty("apicurio.home", "target/apicurio-registry"))
                .toAbsolutePath();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ApicurioRegistryProcess registry = new ApicurioRegistryProcess(home, port);
        registry.launch();
        return registry;
    }

    /** {@link #start()} on another thread, so a test's other servers boot while the registry's JVM does. */
    public static java.util.concurrent.CompletableFuture<ApicurioRegistryProcess> startAsync() {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private void launch() throws IOException {
        Path log = home.resolve("registry-" + port + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-Dquarkus.http.port=" + port,
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.log.level=WARN",
                        "-jar",
                        runnerJar(home).toString()))
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

    /** The base URL of the Confluent-compatible API. */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    /**
     * Registers {@code schema} as the next version of {@code subject}, as a producer's serializer or CI would.
     *
     * @param schemaType AVRO, JSON or PROTOBUF
     * @param references the other subjects' schemas it uses by name (Confluent's schema references)
     * @return the schema id
     * @throws IllegalStateException with the registry's answer when it refuses (e.g. 409, incompatible)
     */
    public int register(String subject, String schemaType, String schema, Reference... references) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("schema", schema).put("schemaType", schemaType);
        if (references.length > 0) {
            ArrayNode refs = request.putArray("references");
            for (Reference reference : references) {
                refs.addObject()
                        .put("name", reference.name())
                        .put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
        return send("POST", "/subjects/" + encode(subject) + "/versions", request)
                .path("id")
                .asInt();
    }

    /** A schema reference: the name {@code schema} uses, and the subject version that defines it. */
    public record Reference(String name, String subject, int version) {}

    /** Sets a subject's compatibility rule (BACKWARD, NONE, ...). */
    public void setCompatibility(String subject, String level) throws IOException {
        send("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level));
    }

    private JsonNode send(String method, String path, JsonNode body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", CONTENT_TYPE)
                .header("Accept", CONTENT_TYPE)
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private boolean answers() {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the registry; its in-memory schemas are gone. */
    @Override
    public void close() {
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

    /** 2.x ships {@code *-runner.jar}; 3.x a {@code quarkus-app/quarkus-run.jar}. */
    private static Path runnerJar(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException(
                    home + " is missing: the build unpacks Apicurio Registry there before the ITs (mvn verify)");
        }
        try (Stream<Path> files = Files.walk(home, 3)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")
                            || p.getFileName().toString().equals("quarkus-run.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Apicurio runner jar under " + home));
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
