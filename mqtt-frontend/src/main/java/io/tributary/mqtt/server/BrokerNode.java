/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.admin.AdminCredentials;
import io.tributary.mqtt.admin.AdminHttpListener;
import io.tributary.mqtt.admin.AdminHttpServer;
import io.tributary.mqtt.admin.AdminService;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ExactlyOnceSettings;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.config.SysSettings;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.kafka.KafkaMessageLog;
import io.tributary.mqtt.kafka.KafkaNodeStatsLog;
import io.tributary.mqtt.kafka.KafkaRetainedLog;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import io.tributary.mqtt.kafka.NodeLiveness;
import io.tributary.mqtt.kafka.TransactionalWriter;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.BrokerMetricsJmx;
import io.tributary.mqtt.ops.ConsoleSources;
import io.tributary.mqtt.ops.NodeOps;
import io.tributary.mqtt.ops.OpsHttpServer;
import io.tributary.mqtt.ops.WebConsole;
import io.tributary.mqtt.placement.ClusterWideSettings;
import io.tributary.mqtt.placement.MappingSync;
import io.tributary.mqtt.placement.Placement;
import io.tributary.mqtt.placement.PlacementUsers;
import io.tributary.mqtt.protocol.ConnectGate;
import io.tributary.mqtt.protocol.MqttPipeline;
import io.tributary.mqtt.protocol.ProtocolSettings;
import io.tributary.mqtt.protocol.SessionAcl;
import io.tributary.mqtt.protocol.SessionFlows;
import io.tributary.mqtt.protocol.SessionHandler;
import io.tributary.mqtt.protocol.SubscriptionRevocation;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.publish.PublishFlowControl;
import io.tributary.mqtt.publish.TopicRates;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.schema.SchemaBindings;
import io.tributary.mqtt.session.ExactlyOnce;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionStore;
import io.tributary.mqtt.session.WillPublisher;
import io.tributary.mqtt.sys.ClusterStats;
import io.tributary.mqtt.sys.SysTopicPublisher;
import io.tributary.mqtt.wire.ReasonCodes;
import io.tributary.placement.log.CompactedTopicLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker node: wires the Kafka clients, the stores, the shard readers and the MQTT listener, and
 * takes them down in the reverse order. A node keeps no state of its own: everything it needs is read
 * back from Kafka at start.
 */
public final class BrokerNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerNode.class);

    private final BrokerConfig config;
    private final String retainedTopic;
    private final String sessionsTopic;
    /** Meters, the ops listener and its probes; the first probe check to fail on a graceful stop is shutdown. */
    private final NodeOps operations;

    private final BrokerMetrics metrics;
    private volatile boolean serving;
    /** The one clock of the node; tests of single classes pass their own. */
    private final Clock clock = Clock.systemUTC();

    private Admin admin;
    private Map<String, Object> clientProps;
    private NodeTopics topics;
    private KafkaProducer<byte[], byte[]> producer;
    private @Nullable TransactionalWriter transactions; // null when qos2.exactly.once is off
    private NodeReaders readers;
    private CompactedTopicLog compacted;
    private NodeLiveness liveness;
    private SessionRegistry sessions;
    private AuthService auth;
    private ScheduledExecutorService timer;
    private final NodeListeners listeners;
    private final MqttListener listener;
    private Placement placement;
    private SchemaBindings schemas;
    private ClusterWideSettings clusterWide;
    private final PlacementUsers clusterUsers = new PlacementUsers();
    /** The limits in force: the node's own, or the cluster's dynamic settings (DynamicConfig). */
    private final AtomicReference<NodeLimits> limits = new AtomicReference<>();
    /** Every node's latest figures, read from the node stats topic ($SYS/tributary/, the console). */
    private final ClusterStats clusterStats;

    private @Nullable KafkaNodeStatsLog statsLog;
    /** Messages this node took, per topic, for the web console. */
    private final TopicRates topicRates = new TopicRates();

    private AdminHttpServer adminHttp;
    /** Who may call the admin API; read with the users file, before Kafka is touched. */
    private AdminCredentials adminCredentials;

    private ObjectName metricsName;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BrokerNode(BrokerConfig config, NodeListeners listeners) {
        this.config = config;
        this.listeners = listeners;
        this.listener = listeners.mqtt();
        this.retainedTopic = config.getString(BrokerConfig.RETAINED_TOPIC_CONFIG);
        this.sessionsTopic = config.getString(BrokerConfig.SESSIONS_TOPIC_CONFIG);
        this.limits.set(NodeLimits.of(config));
        this.operations = NodeOps.of(config, listeners.ops());
        this.metrics = operations.metrics();
        this.clusterStats = new ClusterStats(clock::millis, SysSettings.staleAfterMillis(config));
    }

    /** Starts a node against the Kafka cluster at {@code bootstrapServers}; fails with a clear message. */
    public static BrokerNode start(BrokerConfig config, String bootstrapServers) {
        return start(config, bootstrapServers, NodeListeners.bind(config));
    }

    /** As {@link #start(BrokerConfig, String)} on listeners bound before (and closed if the start fails). */
    static BrokerNode start(BrokerConfig config, String bootstrapServers, NodeListeners listeners) {
        BrokerNode node = new BrokerNode(config, listeners);
        try {
            node.startUp(bootstrapServers);
            return node;
        } catch (RuntimeException | InterruptedException e) {
            node.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    private void startUp(String bootstrapServers) throws InterruptedException {
        // First: a bad users file fails the start before Kafka is touched. Users of the cluster metadata join
        // once it is read (below), and follow its changes.
        operations.start(closed::get, () -> placement != null, () -> serving);
        auth = AuthService.fromConfig(config, clusterUsers);
        adminCredentials = listeners.admin() == null ? null : AdminCredentials.fromConfig(config, auth);
        clientProps = KafkaClientSettings.common(config, bootstrapServers);
        admin = Admin.create(clientProps);
        operations.meters().bindKafka(admin, "admin");
        operations.watchKafka(admin, bootstrapServers);
        topics = new NodeTopics(config, admin);
        Authorizer authorizer = startMetadata();
        TopicRouter router = new TopicRouter(
                config.getString(BrokerConfig.MESSAGES_TOPIC_CONFIG),
                MappingSync.rulesOf(
                        config.mappingRules(),
                        config.internalTopics(),
                        placement.store().image()));
        schemas = NodeSchemas.follow(config, placement, router);
        Map<String, Integer> partitions = topics.ensureAll(router.messageTopics(), retainedTopic, sessionsTopic);
        producer = new KafkaProducer<>(
                KafkaClientSettings.producer(config, clientProps),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        operations.meters().bindKafka(producer, "producer");
        NodeTopics.warmMetadata(producer, partitions.keySet());
        NodeTopics.warmMetadata(
                producer, topics.ensureNodeStats(SysSettings.statsTopic(config)).keySet());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-timer");
            t.setDaemon(true);
            return t;
        });
        KafkaSender sender = new KafkaSender(producer, timer, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG));
        statsLog = new KafkaNodeStatsLog(sender, SysSettings.statsTopic(config));
        RetainedStore retained = new RetainedStore(new KafkaRetainedLog(sender, retainedTopic));
        transactions = TransactionalWriter.fromConfig(config, KafkaClientSettings.producer(config, clientProps));
        if (transactions != null) { // its previous incarnation's open transactions are aborted: wait for the markers
            TransactionalWriter.awaitDecided(
                    admin,
                    Map.of(sessionsTopic, partitions.get(sessionsTopic)),
                    Duration.ofMillis(config.getInt(ExactlyOnceSettings.TIMEOUT_CONFIG)));
        }
        SessionStore store = new SessionStore(
                new KafkaSessionLog(sender, transactions, sessionsTopic, config.nodeId()),
                timer,
                config.nodeId(),
                clock);
        loadCompactedTopics(retained, store);
        SubscriberRegistry subscribers = startDelivery(router, partitions);
        IngestService ingest = new IngestService(
                topicRates.counting(new KafkaMessageLog(sender)),
                router,
                retained,
                new PublishFlowControl(config.getLong(BrokerConfig.PUBLISH_INFLIGHT_BYTES_CONFIG)));
        startSessions(store, subscribers, ingest, partitions.get(sessionsTopic));
        operations.meters().registerNodeGauges(sessions, store, retained, readers.live()::shards, readers.live()::lag);
        sessions.configureAccess(new SessionAcl(authorizer)); // before the listener opens
        authorizer.whenChanged(new SubscriptionRevocation(sessions, subscribers, authorizer, metrics)::rulesChanged);
        startListener(
                new SessionFlows(
                        sessions,
                        subscribers,
                        ingest,
                        retained,
                        authorizer,
                        metrics,
                        config.getInt(BrokerConfig.PUBLISH_INFLIGHT_CONFIG),
                        clock,
                        transactions == null ? null : new ExactlyOnce(sessions, store),
                        schemas,
                        SchemaRegistrySettings.dropsInvalidWithoutAck(config)),
                authorizer,
                store,
                bootstrapServers);
        OpsHttpServer ops = operations.server();
        if (ops != null) {
            WebConsole.mount(
                    ops,
                    new ConsoleSources(
                            config.nodeId(),
                            metrics,
                            operations.meters().registry(),
                            operations.health(),
                            clusterStats,
                            placement.store()::image,
                            sessions,
                            subscribers,
                            readers.live()::shards,
                            store::all,
                            topicRates,
                            mqttListeners(),
                            clock::millis));
        }
    }

    /** Cluster metadata first: its users, dynamic limits, ACLs and mapping rules decide the rest. */
    private Authorizer startMetadata() {
        placement = Placement.start(config, clientProps, admin);
        NodeMetadata.Followed followed = NodeMetadata.follow(config, placement, clusterUsers, auth, limits::set);
        clusterWide = followed.clusterWide();
        return followed.authorizer();
    }

    /** Reads the retained and sessions topics to their end now; they are followed once the node is wired. */
    private void loadCompactedTopics(RetainedStore retained, SessionStore store) {
        compacted = new CompactedTopicLog(
                clientProps,
                "tributary-" + config.nodeId() + "-compacted",
                "tributary-compacted-tail",
                Map.of(
                        retainedTopic,
                        KafkaRetainedLog.replayInto(retained),
                        sessionsTopic,
                        KafkaSessionLog.replayInto(store),
                        SysSettings.statsTopic(config),
                        KafkaNodeStatsLog.replayInto(clusterStats)));
        compacted.readToEnd();
        store.startExpiryTimers(clock.millis());
        LOG.info("Loaded {} retained messages and {} sessions", retained.size(), store.size());
    }

    /** The live shard reader, catch-up readers, mapping changes and shared subscriptions. */
    private SubscriberRegistry startDelivery(TopicRouter router, Map<String, Integer> partitions) {
        SubscriberRegistry subscribers = new SubscriberRegistry();
        readers = NodeReaders.start(config, clientProps, admin, router, partitions, subscribers, operations.meters());
        MappingSync mappings =
                new MappingSync(config.mappingRules(), config.internalTopics(), router, readers.live(), newTopics -> {
                    Map<String, Integer> counts = topics.ensureMessageTopics(newTopics);
                    try {
                        NodeTopics.warmMetadata(producer, counts.keySet());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return counts;
                });
        placement.store().addListener(mappings);
        mappings.apply(placement.store().image()); // a change may have arrived before the listener was added
        return subscribers;
    }

    /** Sessions, wills, checkpoints, take-over across nodes, liveness and $SYS. */
    private void startSessions(
            SessionStore store, SubscriberRegistry subscribers, IngestService ingest, int sessionPartitions) {
        WillPublisher wills = new WillPublisher(ingest, timer, store, clock);
        wills.adoptOwn(store.all(), config.nodeId()); // wills pending (or connections open) when this node stopped
        sessions = new SessionRegistry(
                store,
                subscribers,
                readers.live(),
                readers.catchUp(),
                wills,
                config.nodeId(),
                config.getInt(BrokerConfig.SESSION_QUEUE_CONFIG),
                config.getInt(BrokerConfig.SESSION_INFLIGHT_CONFIG),
                metrics.subscriberDrops(),
                clock);
        int checkpointMs = config.getInt(BrokerConfig.SESSION_CHECKPOINT_CONFIG);
        timer.scheduleWithFixedDelay(sessions::checkpoint, checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
        sessions.configureTakeover(
                config.getInt(BrokerConfig.SESSION_TAKEOVER_TIMEOUT_CONFIG),
                s -> SessionHandler.close(s, ReasonCodes.SESSION_TAKEN_OVER, "session taken over by another node"));
        store.onForeignRecord(sessions::foreignRecord);
        store.onForeignDelete(sessions::foreignDelete);
        compacted.startFollowing();
        liveness = new NodeLiveness(
                clientProps,
                admin,
                store,
                sessionsTopic,
                sessionPartitions,
                config.nodeId(),
                config.getInt(BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG));
        liveness.onSessionTakenOver(wills::adopt); // a dead node's wills are published here
        liveness.start(); // before the listener: a node is a member before it holds any session
        int sysMs = config.getInt(BrokerConfig.SYS_INTERVAL_CONFIG);
        if (sysMs > 0) {
            timer.scheduleWithFixedDelay(
                    new SysTopicPublisher(
                            config.nodeId(),
                            metrics,
                            subscribers,
                            readers.live()::lag,
                            clock::millis,
                            clusterStats,
                            statsLog),
                    sysMs,
                    sysMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** The MQTT listener opens last: clients connect to a node that is ready for them. Then the admin API. */
    private void startListener(SessionFlows flows, Authorizer authorizer, SessionStore store, String bootstrapServers) {
        ProtocolSettings protocol = ProtocolSettings.of(config);
        MqttPipeline pipeline = new MqttPipeline(
                protocol,
                limits::get,
                metrics,
                inForce -> new ConnectGate(
                        protocol,
                        inForce,
                        auth,
                        authorizer,
                        sessions,
                        flows,
                        metrics,
                        () -> "tributary-" + UUID.randomUUID()));
        listeners.open(pipeline);
        serving = true;
        metricsName = BrokerMetricsJmx.register(metrics, config.nodeId(), mqttPort());
        if (listeners.admin() != null) {
            adminHttp = AdminHttpServer.start(
                    listeners.admin(),
                    new AdminService(placement.admin(), () -> NodeLiveness.liveNodes(admin, sessionsTopic)),
                    sessions,
                    store::all,
                    adminCredentials);
        }
        AdvertisedHost advertised = new AdvertisedHost(config.getString(BrokerConfig.ADVERTISED_HOST_CONFIG));
        placement.register(
                config.nodeId(),
                listeners.mqttUrls(advertised::of),
                adminHttp == null
                        ? null
                        : AdminHttpListener.scheme(listeners.admin()) + "://"
                                + advertised.of(config.getString(BrokerConfig.ADMIN_HTTP_BIND_CONFIG)) + ":"
                                + adminHttp.port());
        LOG.info("MQTT listeners {}, Kafka at {}", mqttListeners(), bootstrapServers);
    }

    public int mqttPort() {
        return listener.port();
    }

    /** The port of the listener with this scheme ({@code mqtts}, {@code ws}, {@code wss}), or -1 when it is off. */
    public int listenerPort(String scheme) {
        return listeners.port(scheme);
    }

    /** The URLs of the MQTT listeners that are on, plain TCP first, e.g. {@code wss://127.0.0.1:8443/mqtt}. */
    public List<String> mqttListeners() {
        return listeners.mqttUrls(bindAddress -> bindAddress);
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The ops HTTP listener, where more pages can be mounted; null when {@code ops.http.listener} is none. */
    public @Nullable OpsHttpServer ops() {
        return operations.server();
    }

    /** The port of the ops HTTP listener, or -1 when it is off. */
    public int opsPort() {
        OpsHttpServer ops = operations.server();
        return ops == null ? -1 : ops.port();
    }

    /** Whether /health/ready answers 200 now. */
    public boolean ready() {
        return operations.ready();
    }

    /** The port of the admin HTTP API, or -1 when it is off. */
    public int adminPort() {
        return adminHttp == null ? -1 : adminHttp.port();
    }

    /** The cluster-wide security settings in force, e.g. {@code acl.no.match=allow, auth.mode=required}. */
    public String clusterWideSettings() {
        return clusterWide.summary();
    }

    /** The schema bindings in force on this node (docs/schemas.md). */
    public SchemaBindings schemaBindings() {
        return schemas;
    }

    /** The cluster metadata as this node sees it. */
    public io.tributary.placement.PlacementImage placementImage() {
        return placement.store().image();
    }

    /** The user the session of {@code clientId} belongs to, as this node sees the cluster; null for none. */
    public @org.jspecify.annotations.Nullable String sessionOwner(String clientId) {
        return sessions.ownerOtherThan(clientId, null);
    }

    /** Disconnects every client (MQTT 5: 0x8B), stores their sessions, then stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (serving) {
            operations.drain(); // /health/ready says 503 from here on, while the listeners still serve
        }
        if (placement != null) {
            placement.deregister(); // a graceful leave; a crashed node's record stays, liveness says it is gone
        }
        if (adminHttp != null) {
            adminHttp.close();
        } else if (listeners.admin() != null) {
            listeners.admin().stop(0); // bound, never started
        }
        listeners.closeSockets();
        if (metricsName != null) {
            BrokerMetricsJmx.unregister(metricsName);
        }
        if (sessions != null) {
            sessions.closeAll(
                    s -> SessionHandler.close(s, ReasonCodes.SERVER_SHUTTING_DOWN, "server shutting down"),
                    Duration.ofSeconds(10));
        }
        closeQuietly(liveness);
        if (timer != null) {
            timer.shutdownNow();
        }
        if (statsLog != null) {
            statsLog.remove(config.nodeId()); // after the last report: a node that left is not counted, at once
        }
        listeners.stopLoops(2);
        closeQuietly(readers);
        closeQuietly(auth);
        closeQuietly(schemas);
        closeQuietly(compacted);
        closeQuietly(transactions); // after the sessions' final records
        if (producer != null) {
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
        closeQuietly(placement);
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        operations.close();
    }

    /**
     * For tests: stops the node at once, as a killed process would. Nothing more reaches Kafka (no session
     * stored, no will published, records not yet sent are dropped) and clients see their connections drop
     * without a DISCONNECT. Other nodes resume its sessions from their last checkpoint.
     */
    public void crash() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.warn("Node {} crashing (test)", config.nodeId());
        if (timer != null) {
            timer.shutdownNow(); // no more checkpoints
        }
        if (producer != null) {
            producer.close(Duration.ZERO); // unsent records are dropped, later sends fail
        }
        if (transactions != null) {
            transactions.crash();
        }
        if (liveness != null) {
            liveness.crash(); // stays in the group until its heartbeats are missed
        }
        closeQuietly(compacted);
        if (readers != null) {
            readers.crash();
        }
        if (metricsName != null) {
            BrokerMetricsJmx.unregister(metricsName);
        }
        listeners.closeSockets(); // connections drop without a DISCONNECT
        listeners.stopLoops(0);
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
        operations.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("close failed", e);
        }
    }
}
