/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import io.tributary.placement.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (combined broker + controller, node id 1) running inside this JVM, so that
 * {@code bin/tributary} works without an external cluster. This class is its life cycle; the parts are:
 *
 * <ul>
 *   <li>{@link KraftStorage} &ndash; {@code dataDir/kafka/logs}, the only log directory, formatted once.
 *   <li>{@link ControllerPortFile} &ndash; {@code dataDir/kafka/embedded-kafka.properties}, the controller port in
 *       use.
 *   <li>{@link KraftServerConfig} &ndash; the server's settings and listeners.
 *   <li>{@link StartupWait} &ndash; waiting for the server, within a deadline, until a client is served.
 * </ul>
 *
 * <h2>Listeners</h2>
 * The client listener ({@code PLAINTEXT}) binds to the given {@code host:port}. The controller listener
 * ({@code CONTROLLER}) always binds to {@code 127.0.0.1} on a port the kernel hands out the first time the
 * directory is formatted: only this process ever talks to it, so it should neither be reachable from the network
 * nor collide with a port the user might pick (as {@code port + 1} could).
 *
 * <h2>Quorum and restarts</h2>
 * The storage is formatted the modern way, as a dynamic quorum ({@code kraft.version=1},
 * {@code controller.quorum.bootstrap.servers}; the equivalent of {@code kafka-storage format --standalone}), and
 * only when {@code logs/meta.properties} is absent, so a restart reuses the cluster id, the metadata log and every
 * topic. A dynamic quorum records the voter's controller endpoint in the metadata log, so the port chosen at format
 * time is stored and reused on later starts, keeping that record stable. If another process has taken it while we
 * were down, a new free port is used and stored instead: Kafka 4.3 rewrites the single voter's endpoint from its
 * current listeners when it becomes leader, so the node still finds itself (covered by EmbeddedKafkaTest).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path kafkaDir;
    private final KraftStorage storage;
    private final ControllerPortFile controllerPorts;
    private final String host;
    private final int port;
    private final String advertisedHost;

    // start() and close() are serialised on this monitor so that a shutdown hook calling close() during a slow
    // start() waits for it instead of racing a half-built server.
    private final Object lock = new Object();
    private KafkaRaftServer server;
    private boolean started;
    private boolean closed;

    /**
     * @param dataDir Tributary's data directory; Kafka's files go to {@code dataDir/kafka}
     * @param host    the interface the client listener binds to; a wildcard ({@code 0.0.0.0}, {@code ::}) binds all
     *                interfaces and is advertised to clients as {@code localhost}
     * @param port    the client (PLAINTEXT) port
     */
    public EmbeddedKafka(Path dataDir, String host, int port) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
        this.kafkaDir = dataDir.toAbsolutePath().resolve("kafka");
        this.storage = new KraftStorage(kafkaDir.resolve("logs"));
        this.controllerPorts = new ControllerPortFile(kafkaDir, port);
        this.host = host;
        this.port = port;
        this.advertisedHost = ListenerPorts.isWildcard(host) ? "localhost" : host;
    }

    /**
     * Formats the storage if this directory has never been formatted, starts the server and returns once a client
     * can talk to it.
     *
     * @throws IllegalStateException if a port is taken, the storage cannot be used, or the broker does not accept
     *                               clients within 60 seconds; the message names the cause
     */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Embedded Kafka was closed; create a new instance to start again");
            }
            if (started) {
                throw new IllegalStateException("Embedded Kafka is already started");
            }
            StartupWait wait = StartupWait.beginning(kafkaDir, ListenerPorts.hostPort(host, port), bootstrapServers());
            long begin = System.nanoTime();
            started = true;
            try {
                doStart(wait);
            } catch (RuntimeException e) {
                shutdownServer();
                // Nothing is left running, so the caller may fix the cause (free the port) and call start() again.
                started = false;
                throw e;
            }
            LOG.info(
                    "Embedded Kafka ready at {} ({}, data in {})",
                    bootstrapServers(),
                    DurationText.of(Duration.ofNanos(System.nanoTime() - begin)),
                    kafkaDir);
        }
    }

    /** {@code host:port} of the client listener, as clients should use it. */
    public String bootstrapServers() {
        return ListenerPorts.hostPort(advertisedHost, port);
    }

    /** Stops the server and waits until it has released its ports and files. Safe to call more than once. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            shutdownServer();
        }
    }

    private void doStart(StartupWait wait) {
        // Before the data directory is created: a busy port leaves nothing behind. Kafka's own bind failure is
        // still mapped (StartupWait) for the case where the port is grabbed between this check and the bind.
        ListenerPorts.requireFree(host, port, "client port (kafka.embedded.port, --kafka-port)");
        storage.createDirectories();

        boolean formatted = storage.isFormatted();
        int controllerPort = controllerPorts.portForThisStart(formatted);
        KafkaConfig config = KraftServerConfig.of(host, port, bootstrapServers(), controllerPort, storage.logDir());
        if (!formatted) {
            storage.format(controllerPort);
        }

        ControllerRegistrationRace.install();
        KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        server = raftServer;
        wait.awaitStartup(raftServer, controllerPort);
        wait.awaitClients();
    }

    private void shutdownServer() {
        KafkaRaftServer raftServer = server;
        server = null;
        if (raftServer == null) {
            return;
        }
        try {
            raftServer.shutdown();
            raftServer.awaitShutdown();
        } catch (RuntimeException e) {
            // Shutdown after a failed startup can trip over components that never started; the ports and files
            // are released either way, and the original failure is what the caller needs to see.
            LOG.warn("Error while shutting down embedded Kafka", e);
        }
    }
}
