/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy with its filesystem backend, in a JVM of its own. S3Proxy runs on Jetty 11 while Kafka
 * Connect's runtime needs Jetty 12 under the same Maven coordinates, so the two cannot share a class
 * path; a child process also lets tests take "S3" down and bring it back on the same port. The class
 * path comes from s3proxy.classpath, which this module's build writes from its own test scope.
 */
public final class S3ProxyProcess implements AutoCloseable {
    public static final String ACCESS_KEY = "tributary-access";
    public static final String SECRET_KEY = "tributary-secret";

    private final Path baseDir;
    private final int port;
    private Process process;

    private S3ProxyProcess(Path baseDir, int port) {
        this.baseDir = baseDir;
        this.port = port;
    }

    public static S3ProxyProcess start(Path workDir) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return start(workDir, port);
    }

    /** On a port chosen beforehand, e.g. one the build reserved and put into S3_ENDPOINT. */
    public static S3ProxyProcess start(Path workDir, int port) throws IOException {
        S3ProxyProcess proxy = new S3ProxyProcess(workDir, port);
        proxy.launch();
        return proxy;
    }

    private void launch() throws IOException {
        Path blobs = Files.createDirectories(baseDir.resolve("blobs"));
        Path properties = baseDir.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=" + endpoint(),
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + ACCESS_KEY,
                        "s3proxy.credential=" + SECRET_KEY,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + blobs,
                        ""));
        String classpath;
        try (InputStream in = S3ProxyProcess.class.getResourceAsStream("/s3proxy.classpath")) {
            if (in == null) {
                throw new IllegalStateException("s3proxy.classpath missing: build shard-connectors first");
            }
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        process = new ProcessBuilder(List.of(
                        java.toString(),
                        "-Xmx256m",
                        "-cp",
                        classpath,
                        "org.gaul.s3proxy.Main",
                        "--properties",
                        properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        baseDir.resolve("s3proxy.log").toFile()))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        await("S3Proxy listening on " + port)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("S3Proxy exited; see " + baseDir.resolve("s3proxy.log"));
                    }
                    return accepts();
                });
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Takes the store down: connections are refused until {@link #restart()}. */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Brings the store back on the same port with the same data. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public void close() {
        stop();
    }
}
