/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.config.SysSettings;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.kafka.KafkaMessageLog;
import io.tributary.mqtt.kafka.KafkaRetainedLog;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import io.tributary.mqtt.kafka.ShareTakenMarkers;
import io.tributary.mqtt.kafka.TransactionalWriter;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.BrokerMetricsJmx;
import io.tributary.mqtt.ops.NodeOps;
import io.tributary.mqtt.ops.OpsHttpServer;
import io.tributary.mqtt.placement.ClusterWideSettings;
import io.tributary.mqtt.placement.MappingSync;
import io.tributary.mqtt.placement.Placement;
import io.tributary.mqtt.placement.PlacementUsers;
import io.tributary.mqtt.protocol.ConnectGate;
import io.tributary.mqtt.protocol.MqttPipeline;
import io.tributary.mqtt.protocol.ProtocolSettings;
import io.tributary.mqtt.protocol.SessionAcl;
import io.tributary.mqtt.protocol.SessionFlows;
import io.tributary.mqtt.protocol.SubscriptionRevocation;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.publish.PublishFlowControl;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.schema.SchemaBindings;
import io.tributary.mqtt.session.ExactlyOnce;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionStore;
import io.tributary.placement.log.CompactedTopicLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
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

    private NodeKafkaClients kafka;
    private NodeTopics topics;
    private KafkaProducer<byte[], byte[]> producer;
    private NodeReaders readers;
    private CompactedTopicLog compacted;
    /** Which shared QoS 2 records reached a member; null unless qos2.exactly.once. */
    private @Nullable ShareTakenMarkers shareMarkers;

    private NodeSessions sessions;
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
    /** The node stats topic, $SYS and the web console. */
    private @Nullable NodeObservability observability;

    private NodeAdminApi adminApi;

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
        adminApi = NodeAdminApi.of(config, listeners.admin(), auth);
        kafka = new NodeKafkaClients(config, bootstrapServers);
        operations.meters().bindKafka(kafka.admin(), "admin");
        operations.watchKafka(kafka.admin(), bootstrapServers);
        topics = new NodeTopics(config, kafka.admin());
        Authorizer authorizer = startMetadata();
        TopicRouter router = new TopicRouter(
                config.getString(BrokerConfig.MESSAGES_TOPIC_CONFIG),
                MappingSync.rulesOf(
                        config.mappingRules(),
                        config.internalTopics(),
                        placement.store().image()));
        schemas = NodeSchemas.follow(config, placement, router, metrics);
        Map<String, Integer> partitions = topics.ensureAll(router.messageTopics(), retainedTopic, sessionsTopic);
        producer = kafka.startProducer(operations.meters());
        NodeTopics.warmMetadata(producer, partitions.keySet());
        NodeTopics.warmMetadata(
                producer, topics.ensureNodeStats(SysSettings.statsTopic(config)).keySet());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-timer");
            t.setDaemon(true);
            return t;
        });
        KafkaSender sender = new KafkaSender(producer, timer, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG));
        observability = new NodeObservability(config, sender, clock);
        RetainedStore retained = new RetainedStore(new KafkaRetainedLog(sender, retainedTopic));
        @Nullable
        TransactionalWriter transactions = kafka.startExactlyOnce(sessionsTopic, partitions.get(sessionsTopic));
        shareMarkers = transactions == null
                ? null
                : new ShareTakenMarkers(transactions, kafka.admin(), sessionsTopic, partitions.get(sessionsTopic));
        SessionStore store = new SessionStore(
                new KafkaSessionLog(sender, transactions, sessionsTopic, config.nodeId()),
                timer,
                config.nodeId(),
                clock);
        loadCompactedTopics(retained, store);
        SubscriberRegistry subscribers = startDelivery(router, partitions);
        IngestService ingest = new IngestService(
                observability.countingMessages(new KafkaMessageLog(sender)),
                router,
                retained,
                new PublishFlowControl(config.getLong(BrokerConfig.PUBLISH_INFLIGHT_BYTES_CONFIG)));
        NodeSchemas.encodeWills(schemas, ingest);
        startSessions(store, subscribers, ingest, partitions.get(sessionsTopic));
        SessionRegistry registry = sessions.registry();
        operations
                .meters()
                .registerNodeGauges(
                        registry,
                        store,
                        retained,
                        readers.live()::shards,
                        readers.live()::shardsRead,
                        readers.live()::lag);
        registry.configureAccess(new SessionAcl(authorizer)); // before the listener opens
        authorizer.whenChanged(new SubscriptionRevocation(registry, subscribers, authorizer, metrics)::rulesChanged);
        SessionFlows flows = sessionFlows(store, subscribers, ingest, retained, authorizer, transactions != null);
        startListener(flows, authorizer, store, bootstrapServers);
        observability.mountConsole(
                operations,
                placement,
                registry,
                subscribers,
                readers.live()::shards,
                registry::clusterSessions,
                mqttListeners());
    }

    /** The packet flows of a connected session: publish, subscribe, QoS exchanges. */
    private SessionFlows sessionFlows(
            SessionStore store,
            SubscriberRegistry subscribers,
            IngestService ingest,
            RetainedStore retained,
            Authorizer authorizer,
            boolean exactlyOnce) {
        return new SessionFlows(
                sessions.registry(),
                subscribers,
                ingest,
                retained,
                authorizer,
                metrics,
                config.getInt(BrokerConfig.PUBLISH_INFLIGHT_CONFIG),
                clock,
                exactlyOnce ? new ExactlyOnce(sessions.registry(), store) : null,
                schemas,
                SchemaRegistrySettings.dropsInvalidWithoutAck(config));
    }

    /** Cluster metadata first: its users, dynamic limits, ACLs and mapping rules decide the rest. */
    private Authorizer startMetadata() {
        placement = Placement.start(config, kafka.props(), kafka.admin());
        NodeMetadata.Followed followed = NodeMetadata.follow(config, placement, clusterUsers, auth, limits::set);
        clusterWide = followed.clusterWide();
        return followed.authorizer();
    }

    /** Reads the retained and sessions topics to their end now; they are followed once the node is wired. */
    private void loadCompactedTopics(RetainedStore retained, SessionStore store) {
        compacted = new CompactedTopicLog(
                kafka.props(),
                "tributary-" + config.nodeId() + "-compacted",
                "tributary-compacted-tail",
                Map.of(
                        retainedTopic,
                        KafkaRetainedLog.replayInto(retained),
                        sessionsTopic,
                        shareMarkers == null
                                ? KafkaSessionLog.replayInto(store)
                                : shareMarkers.routing(KafkaSessionLog.replayInto(store)),
                        SysSettings.statsTopic(config),
                        observability.statsReplay()));
        if (shareMarkers != null) {
            shareMarkers.readBy(compacted::awaitRead);
        }
        compacted.readToEnd();
        store.startExpiryTimers(clock.millis());
        LOG.info("Loaded {} retained messages and {} sessions", retained.size(), store.size());
    }

    /** The live shard reader, catch-up readers, mapping changes and shared subscriptions. */
    private SubscriberRegistry startDelivery(TopicRouter router, Map<String, Integer> partitions) {
        SubscriberRegistry subscribers = new SubscriberRegistry();
        readers = NodeReaders.start(
                config,
                kafka.props(),
                kafka.admin(),
                router,
                partitions,
                subscribers,
                operations.meters(),
                shareMarkers);
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
        sessions = NodeSessions.start(config, store, subscribers, readers, ingest, timer, metrics, clock);
        compacted.startFollowing();
        sessions.joinCluster(kafka.props(), kafka.admin(), sessionsTopic, sessionPartitions);
        observability.publishSys(
                timer, config.getInt(BrokerConfig.SYS_INTERVAL_CONFIG), metrics, subscribers, readers.live()::lag);
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
                        sessions.registry(),
                        flows,
                        metrics,
                        () -> "tributary-" + UUID.randomUUID()));
        listeners.open(pipeline);
        serving = true;
        metricsName = BrokerMetricsJmx.register(metrics, config.nodeId(), mqttPort());
        adminApi.start(
                placement, kafka.admin(), sessionsTopic, sessions.registry(), sessions.registry()::clusterSessions);
        AdvertisedHost advertised = new AdvertisedHost(config.getString(BrokerConfig.ADVERTISED_HOST_CONFIG));
        placement.register(config.nodeId(), listeners.mqttUrls(advertised::of), adminApi.url(config, advertised));
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
        return adminApi == null ? -1 : adminApi.port();
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
        return sessions.registry().ownerOtherThan(clientId, null);
    }

    /** Whether this node is the only live node of its cluster, so that it decides claims of client ids alone. */
    public boolean decidesClaimsAlone() {
        return sessions.registry().soleNodeClaims().alone();
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
        if (adminApi != null) {
            adminApi.close();
        } else if (listeners.admin() != null) {
            listeners.admin().stop(0); // bound, never started
        }
        listeners.closeSockets();
        if (metricsName != null) {
            BrokerMetricsJmx.unregister(metricsName);
        }
        if (sessions != null) {
            sessions.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (observability != null) {
            observability.leave(); // after the last report
        }
        listeners.stopLoops(2);
        closeQuietly(readers);
        closeQuietly(auth);
        closeQuietly(schemas);
        closeQuietly(compacted);
        if (kafka != null) {
            kafka.closeWriters(); // after the sessions' final records
        }
        closeQuietly(placement);
        if (kafka != null) {
            kafka.closeAdmin(Duration.ofSeconds(5));
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
        if (kafka != null) {
            kafka.crashWriters(); // unsent records are dropped, later sends fail
        }
        if (sessions != null) {
            sessions.crash(); // stays in the group until its heartbeats are missed
        }
        closeQuietly(compacted);
        if (readers != null) {
            readers.crash();
        }
        closeQuietly(placement); // its reader and writer would outlive the node in the test JVM (no deregister)
        if (metricsName != null) {
            BrokerMetricsJmx.unregister(metricsName);
        }
        listeners.closeSockets(); // connections drop without a DISCONNECT
        listeners.stopLoops(0);
        if (kafka != null) {
            kafka.closeAdmin(Duration.ZERO);
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
