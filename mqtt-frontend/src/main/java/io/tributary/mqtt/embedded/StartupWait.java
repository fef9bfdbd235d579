/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import static io.tributary.mqtt.embedded.KraftServerConfig.CONTROLLER_HOST;

import io.tributary.placement.DurationText;
import java.net.BindException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * One start of the embedded Kafka against its deadline (60 seconds from {@link #beginning}): waits for the server's
 * startup and then for a client round trip, and turns a failure into a message that names its cause.
 */
final class StartupWait {

    static final long STARTUP_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(60);

    private final long deadline;
    private final Path kafkaDir;
    private final String clientHostPort;
    private final String bootstrapServers;

    private StartupWait(long deadline, Path kafkaDir, String clientHostPort, String bootstrapServers) {
        this.deadline = deadline;
        this.kafkaDir = kafkaDir;
        this.clientHostPort = clientHostPort;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * @param clientHostPort   the client listener as bound, for the message when a port is taken
     * @param bootstrapServers the client listener as advertised, which the round trip uses
     */
    static StartupWait beginning(Path kafkaDir, String clientHostPort, String bootstrapServers) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTUP_TIMEOUT_MS);
        return new StartupWait(deadline, kafkaDir, clientHostPort, bootstrapServers);
    }

    /**
     * The broker's startup blocks until the broker is unfenced, and under some failures (for example an
     * unreachable controller) it would block forever; running it on its own thread lets start() honour its
     * deadline.
     */
    void awaitStartup(KafkaRaftServer raftServer, int controllerPort) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread starter = new Thread(
                () -> {
                    try {
                        raftServer.startup();
                        done.complete(null);
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                },
                "embedded-kafka-startup");
        starter.setDaemon(true);
        starter.start();
        try {
            done.get(remainingMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            starter.interrupt();
            throw new IllegalStateException(
                    "Embedded Kafka did not start within " + DurationText.ofMillis(STARTUP_TIMEOUT_MS) + " (data in "
                            + kafkaDir + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting embedded Kafka", e);
        } catch (ExecutionException e) {
            throw startupFailure(e.getCause(), controllerPort);
        }
    }

    /** Startup returning is not the same as clients being served; a real round trip is the proof. */
    void awaitClients() {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-embedded-kafka-probe");
        int remaining = (int) Math.max(1, remainingMs());
        try (Admin admin = Admin.create(props)) {
            // The admin client retries internally until the timeout, so one call covers "not quite up yet".
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(remaining))
                    .nodes()
                    .get(remaining, TimeUnit.MILLISECONDS)
                    .size();
            if (nodes == 0) {
                throw new IllegalStateException("Embedded Kafka started but reports no brokers at " + bootstrapServers);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for embedded Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(
                    "Embedded Kafka started but did not accept clients at "
                            + bootstrapServers + " within " + DurationText.ofMillis(STARTUP_TIMEOUT_MS) + ": "
                            + cause,
                    cause);
        }
    }

    private IllegalStateException startupFailure(Throwable failure, int controllerPort) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return new IllegalStateException(
                        "Embedded Kafka could not bind its listeners (client port "
                                + clientHostPort + ", controller port " + CONTROLLER_HOST + ":" + controllerPort
                                + "): a port is already in use: " + t.getMessage(),
                        failure);
            }
        }
        return new IllegalStateException(
                "Embedded Kafka failed to start (data in " + kafkaDir + "): " + rootMessage(failure), failure);
    }

    private long remainingMs() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** The failure and, when it wraps others, its root cause: the part of a Kafka failure a user can act on. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t) : t + " (caused by " + root + ")";
    }
}
