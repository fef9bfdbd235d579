/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (combined broker + controller, node id 1) running inside this JVM, so that
 * {@code bin/tributary} works without an external cluster.
 *
 * <h2>Layout under {@code dataDir/kafka}</h2>
 * <ul>
 *   <li>{@code logs/} &ndash; the only Kafka log directory; it also holds the {@code __cluster_metadata} log and
 *       {@code meta.properties}, whose presence is what "already formatted" means.</li>
 *   <li>{@code embedded-kafka.properties} &ndash; the controller port in use (see below). It lives
 *       outside {@code logs/} so Kafka never sees a foreign file in its log directory.</li>
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

    static final int NODE_ID = 1;
    static final String CONTROLLER_HOST = "127.0.0.1";
    static final String STATE_FILE = "embedded-kafka.properties";
    static final String CONTROLLER_PORT_KEY = "controller.port";

    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final long STARTUP_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(60);

    private final Path kafkaDir;
    private final Path logDir;
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
        this.logDir = kafkaDir.resolve("logs");
        this.host = host;
        this.port = port;
        this.advertisedHost = isWildcard(host) ? "localhost" : host;
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
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTUP_TIMEOUT_MS);
            long begin = System.nanoTime();
            started = true;
            try {
                doStart(deadline);
            } catch (RuntimeException e) {
                shutdownServer();
                // Nothing is left running, so the caller may fix the cause (free the port) and call start() again.
                started = false;
                throw e;
            }
            LOG.info(
                    "Embedded Kafka ready at {} ({} ms, data in {})",
                    bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                    kafkaDir);
        }
    }

    /** {@code host:port} of the client listener, as clients should use it. */
    public String bootstrapServers() {
        return hostPort(advertisedHost, port);
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

    private void doStart(long deadline) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the Kafka data directory " + logDir + ": " + e, e);
        }
        // Checked up front so the common mistake (something else on the port) gets a one-line answer instead of a
        // broker that half starts and then dies in its socket server. Kafka's own bind failure is still mapped
        // below for the case where the port is grabbed between this check and the bind.
        requirePortFree(host, port, "client port");

        boolean formatted = Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME));
        int controllerPort = controllerPort(formatted);
        KafkaConfig config;
        try {
            config = new KafkaConfig(serverProperties(controllerPort), false);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Invalid embedded Kafka configuration: " + e.getMessage(), e);
        }
        if (!formatted) {
            format(controllerPort);
        }

        KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        server = raftServer;
        awaitStartup(raftServer, controllerPort, deadline);
        awaitClients(deadline);
    }

    /**
     * The broker's startup blocks until the broker is unfenced, and under some failures (for example an
     * unreachable controller) it would block forever; running it on its own thread lets start() honour its
     * deadline.
     */
    private void awaitStartup(KafkaRaftServer raftServer, int controllerPort, long deadline) {
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
            done.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            starter.interrupt();
            throw new IllegalStateException(
                    "Embedded Kafka did not start within " + TimeUnit.MILLISECONDS.toSeconds(STARTUP_TIMEOUT_MS)
                            + " s (data in " + kafkaDir + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting embedded Kafka", e);
        } catch (ExecutionException e) {
            throw startupFailure(e.getCause(), controllerPort);
        }
    }

    /** Startup returning is not the same as clients being served; a real round trip is the proof. */
    private void awaitClients(long deadline) {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-embedded-kafka-probe");
        int remaining = (int) Math.max(1, remainingMs(deadline));
        try (Admin admin = Admin.create(props)) {
            // The admin client retries internally until the timeout, so one call covers "not quite up yet".
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(remaining))
                    .nodes()
                    .get(remaining, TimeUnit.MILLISECONDS)
                    .size();
            if (nodes == 0) {
                throw new IllegalStateException(
                        "Embedded Kafka started but reports no brokers at " + bootstrapServers());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for embedded Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(
                    "Embedded Kafka started but did not accept clients at "
                            + bootstrapServers() + " within " + TimeUnit.MILLISECONDS.toSeconds(STARTUP_TIMEOUT_MS)
                            + " s: " + cause,
                    cause);
        }
    }

    private IllegalStateException startupFailure(Throwable failure, int controllerPort) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return new IllegalStateException(
                        "Embedded Kafka could not bind its listeners (client port "
                                + hostPort(host, port) + ", controller port " + CONTROLLER_HOST + ":" + controllerPort
                                + "): a port is already in use: " + t.getMessage(),
                        failure);
            }
        }
        return new IllegalStateException(
                "Embedded Kafka failed to start (data in " + kafkaDir + "): " + rootMessage(failure), failure);
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

    /**
     * Equivalent of {@code kafka-storage format --standalone}: a fresh cluster id, and a one-voter dynamic quorum
     * whose only voter is this node at its controller endpoint.
     */
    private void format(int controllerPort) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        // The formatter reports progress on System.out unless told otherwise; route it to the log instead so
        // nothing from Kafka reaches the launcher's console.
        try (PrintStream sink = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            // nodeId@host:port:directoryId, exactly what `kafka-storage format --standalone` derives from the
            // controller listener; the formatter gives the metadata directory this directory id.
            String voter = NODE_ID + "@" + CONTROLLER_HOST + ":" + controllerPort + ":" + Uuid.randomUuid();
            Formatter formatter = new Formatter()
                    .setPrintStream(sink)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    // metadata.log.dir is unset, so Kafka keeps the metadata log in the (only) log directory.
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setHasDynamicQuorum(true);
            formatter.setInitialControllers(DynamicVoters.parse(voter));
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the Kafka storage in " + logDir + ": " + rootMessage(e), e);
        }
        LOG.info(
                "Formatted new embedded Kafka storage in {} (controller on {}:{})",
                logDir,
                CONTROLLER_HOST,
                controllerPort);
        LOG.debug(
                "Kafka storage formatter output: {}",
                output.toString(StandardCharsets.UTF_8).trim());
    }

    private Map<String, Object> serverProperties(int controllerPort) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.bootstrap.servers", CONTROLLER_HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put(
                "listeners",
                CLIENT_LISTENER + "://" + hostPort(isWildcard(host) ? "" : host, port) + "," + CONTROLLER_LISTENER
                        + "://" + CONTROLLER_HOST + ":" + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://" + bootstrapServers());
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", logDir.toString());

        // One broker: every internal topic must be satisfiable with a single replica, or the group, transaction
        // and share coordinators never come up.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // Tributary creates its topics explicitly with the layout it needs; a typo must fail, not invent a topic.
        p.put("auto.create.topics.enable", "false");
        // The delay exists to batch joins of many consumers in a cluster; locally it only slows the first poll.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Share groups need no switch in Kafka 4.3: they are gated by the share.version feature, which the
        // formatter sets to its production level (1) along with the latest production metadata.version.
        return p;
    }

    /**
     * The controller port for this start: the one recorded on the previous start if it is still free, otherwise a
     * fresh free port, which is then recorded.
     */
    private int controllerPort(boolean formatted) {
        Integer stored = storedControllerPort();
        if (stored != null && isFree(CONTROLLER_HOST, stored) && stored != port) {
            return stored;
        }
        if (formatted) {
            // Only reached when the recorded port was taken by someone else while we were down (or the state file
            // was deleted). Safe for this single-voter quorum: on becoming leader, Kafka 4.3 rewrites its own voter
            // endpoint in the metadata log from its current listeners (EmbeddedKafkaTest covers this).
            LOG.warn(
                    "Embedded Kafka controller port {} is no longer available; moving the controller to a new port",
                    stored);
        }
        int fresh = freePort();
        if (fresh == port) {
            // Only possible when the client port is itself in the ephemeral range and momentarily free; take
            // another rather than make both listeners fight over it.
            fresh = freePort();
        }
        storeControllerPort(fresh);
        return fresh;
    }

    private Integer storedControllerPort() {
        Path file = kafkaDir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        String value = props.getProperty(CONTROLLER_PORT_KEY);
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Invalid " + CONTROLLER_PORT_KEY + " in " + file + ": " + value, e);
        }
    }

    private void storeControllerPort(int controllerPort) {
        Path file = kafkaDir.resolve(STATE_FILE);
        Path tmp = kafkaDir.resolve(STATE_FILE + ".tmp");
        Properties props = new Properties();
        props.setProperty(CONTROLLER_PORT_KEY, String.valueOf(controllerPort));
        // Write-then-rename so a crash never leaves a truncated file next to formatted storage.
        try (OutputStream out = Files.newOutputStream(tmp)) {
            props.store(out, "Written by Tributary's embedded Kafka; the KRaft voter endpoint depends on it");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + tmp + ": " + e, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file + ": " + e, e);
        }
    }

    private static void requirePortFree(String bindHost, int bindPort, String what) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(bindAddress(bindHost, bindPort));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start embedded Kafka: " + what + " " + hostPort(bindHost, bindPort) + " is already in use ("
                            + e.getMessage() + ")",
                    e);
        }
    }

    private static boolean isFree(String bindHost, int bindPort) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(bindAddress(bindHost, bindPort));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetSocketAddress bindAddress(String bindHost, int bindPort) {
        if (isWildcard(bindHost)) {
            return new InetSocketAddress(bindPort);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bindHost), bindPort);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Cannot start embedded Kafka: unknown host " + bindHost, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(CONTROLLER_HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on " + CONTROLLER_HOST + ": " + e, e);
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static String hostPort(String h, int p) {
        // IPv6 literals need brackets in both Kafka listener strings and bootstrap.servers.
        return (h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + p;
    }

    private static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t) : t + " (caused by " + root + ")";
    }
}
