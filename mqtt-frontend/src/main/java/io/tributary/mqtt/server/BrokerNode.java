/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.admin.AdminHttpServer;
import io.tributary.mqtt.admin.AdminService;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.kafka.CatchUpReader;
import io.tributary.mqtt.kafka.KafkaMessageLog;
import io.tributary.mqtt.kafka.KafkaRetainedLog;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import io.tributary.mqtt.kafka.NodeLiveness;
import io.tributary.mqtt.kafka.ShardReader;
import io.tributary.mqtt.kafka.ShareGroupReader;
import io.tributary.mqtt.kafka.ShareGroupStart;
import io.tributary.mqtt.kafka.TopicProvisioner;
import io.tributary.mqtt.kafka.TopicProvisioner.TopicSpec;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.placement.DynamicConfig;
import io.tributary.mqtt.placement.MappingSync;
import io.tributary.mqtt.placement.Placement;
import io.tributary.mqtt.placement.PlacementUsers;
import io.tributary.mqtt.protocol.ConnectGate;
import io.tributary.mqtt.protocol.ConnectPolicy;
import io.tributary.mqtt.protocol.MqttPipeline;
import io.tributary.mqtt.protocol.ProtocolSettings;
import io.tributary.mqtt.protocol.SessionFlows;
import io.tributary.mqtt.protocol.SessionHandler;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.publish.PublishFlowControl;
import io.tributary.mqtt.retained.RetainedChange;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionChange;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionStore;
import io.tributary.mqtt.session.WillPublisher;
import io.tributary.mqtt.shared.ShareGroupNames;
import io.tributary.mqtt.shared.SharedSubscriptions;
import io.tributary.mqtt.sys.SysTopicPublisher;
import io.tributary.mqtt.wire.ReasonCodes;
import io.tributary.placement.log.CompactedTopicLog;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
    private final BrokerMetrics metrics = new BrokerMetrics();
    /** The one clock of the node; tests of single classes pass their own. */
    private final Clock clock = Clock.systemUTC();

    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private ShardReader reader;
    private CatchUpReader catchUp;
    private CompactedTopicLog compacted;
    private NodeLiveness liveness;
    private SessionRegistry sessions;
    private AuthService auth;
    private SharedSubscriptions shared;
    private ScheduledExecutorService timer;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private Placement placement;
    private final PlacementUsers clusterUsers = new PlacementUsers();
    /** The limits in force: the node's own, or the cluster's dynamic settings (DynamicConfig). */
    private final java.util.concurrent.atomic.AtomicReference<NodeLimits> limits =
            new java.util.concurrent.atomic.AtomicReference<>();

    private AdminHttpServer adminHttp;
    private javax.management.ObjectName metricsName;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private BrokerNode(BrokerConfig config) {
        this.config = config;
        this.limits.set(NodeLimits.of(config));
    }

    /** Starts a node against the Kafka cluster at {@code bootstrapServers}; fails with a clear message. */
    public static BrokerNode start(BrokerConfig config, String bootstrapServers) {
        BrokerNode node = new BrokerNode(config);
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
        auth = AuthService.fromConfig(config, clusterUsers);
        Map<String, Object> clientProps = KafkaClientSettings.common(config, bootstrapServers);
        admin = Admin.create(clientProps);
        // Cluster metadata first: the mapping rules of the placement topic decide which topics to read.
        placement = Placement.start(config, clientProps, admin);
        placement.store().addListener(clusterUsers);
        clusterUsers.apply(placement.store().image());
        DynamicConfig dynamic = new DynamicConfig(config, effective -> limits.set(NodeLimits.of(effective)));
        placement.store().addListener(dynamic);
        dynamic.apply(placement.store().image());
        Authorizer authorizer = Authorizer.fromConfig(config); // the ACL rules, followed live like the users
        placement.store().addListener(authorizer);
        authorizer.apply(placement.store().image());
        TopicRouter router = new TopicRouter(
                config.getString(BrokerConfig.MESSAGES_TOPIC_CONFIG),
                MappingSync.rulesOf(
                        config.mappingRules(),
                        config.internalTopics(),
                        placement.store().image()));
        String retainedTopic = config.getString(BrokerConfig.RETAINED_TOPIC_CONFIG);
        String sessionsTopic = config.getString(BrokerConfig.SESSIONS_TOPIC_CONFIG);
        int maxPacket = config.getInt(BrokerConfig.MAX_PACKET_SIZE_CONFIG);

        Map<String, Integer> partitions = provisionTopics(router, retainedTopic, sessionsTopic, maxPacket);

        producer = new KafkaProducer<>(
                KafkaClientSettings.producer(config, clientProps),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        warmMetadata(partitions.keySet());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-timer");
            t.setDaemon(true);
            return t;
        });

        KafkaSender sender = new KafkaSender(producer, timer, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG));
        RetainedStore retained = new RetainedStore(new KafkaRetainedLog(sender, retainedTopic));
        SessionStore store = new SessionStore(
                new KafkaSessionLog(sender, sessionsTopic, config.nodeId()), timer, config.nodeId(), clock);
        // Read both compacted topics to their end now; tail them once the node is wired (see "Many nodes").
        compacted = new CompactedTopicLog(
                clientProps,
                "tributary-" + config.nodeId() + "-compacted",
                "tributary-compacted-tail",
                Map.of(
                        retainedTopic,
                        record -> applyRetained(retained, record),
                        sessionsTopic,
                        record -> applySession(store, record)));
        compacted.readToEnd();
        store.startExpiryTimers(clock.millis());
        LOG.info("Loaded {} retained messages and {} sessions", retained.size(), store.size());

        int defaultQos = config.getInt(BrokerConfig.PLAIN_RECORD_QOS_CONFIG);
        Map<String, Object> consumerProps = KafkaClientSettings.consumer(clientProps);
        catchUp = new CatchUpReader(
                2,
                () -> new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                router,
                defaultQos,
                metrics);
        SubscriberRegistry subscribers = new SubscriberRegistry();
        reader = new ShardReader(
                new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                ShardReader.shardsOf(partitions, router.messageTopics()),
                router,
                subscribers,
                catchUp,
                defaultQos,
                metrics);
        catchUp.setReader(reader);
        reader.start();
        MappingSync mappings =
                new MappingSync(config.mappingRules(), config.internalTopics(), router, reader, topics -> {
                    Map<String, Integer> counts = provisionMessageTopics(topics, maxPacket);
                    try {
                        warmMetadata(counts.keySet());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return counts;
                });
        placement.store().addListener(mappings);
        mappings.apply(placement.store().image()); // a change may have arrived before the listener was added
        shared = sharedSubscriptions(clientProps, router, reader, defaultQos);
        subscribers.setSharedMembers(shared);

        PublishFlowControl flowControl =
                new PublishFlowControl(config.getLong(BrokerConfig.PUBLISH_INFLIGHT_BYTES_CONFIG));
        IngestService ingest = new IngestService(new KafkaMessageLog(sender), router, retained, flowControl);
        WillPublisher wills = new WillPublisher(ingest, timer, store, clock);
        wills.adoptOwn(store.all(), config.nodeId()); // wills pending (or connections open) when this node stopped
        sessions = new SessionRegistry(
                store,
                subscribers,
                reader,
                catchUp,
                wills,
                config.nodeId(),
                config.getInt(BrokerConfig.SESSION_QUEUE_CONFIG),
                config.getInt(BrokerConfig.SESSION_INFLIGHT_CONFIG),
                metrics.qos0Dropped,
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
                partitions.get(sessionsTopic),
                config.nodeId(),
                config.getInt(BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG));
        liveness.onSessionTakenOver(wills::adopt); // a dead node's wills are published here
        liveness.start(); // before the listener: a node is a member before it holds any session
        int sysMs = config.getInt(BrokerConfig.SYS_INTERVAL_CONFIG);
        if (sysMs > 0) {
            timer.scheduleWithFixedDelay(
                    new SysTopicPublisher(
                            config.nodeId(), metrics, subscribers, reader::lag, System::currentTimeMillis),
                    sysMs,
                    sysMs,
                    TimeUnit.MILLISECONDS);
        }

        ProtocolSettings protocol = new ProtocolSettings(
                config.getInt(BrokerConfig.PUBLISH_INFLIGHT_CONFIG),
                maxPacket,
                config.getInt(BrokerConfig.MAX_CLIENT_ID_CONFIG),
                config.getInt(BrokerConfig.CONNECT_TIMEOUT_CONFIG),
                new ConnectPolicy(
                        config.getInt(BrokerConfig.TOPIC_ALIAS_MAXIMUM_CONFIG),
                        config.getInt(BrokerConfig.KEEP_ALIVE_MAX_CONFIG),
                        config.getString(BrokerConfig.RESPONSE_INFORMATION_PREFIX_CONFIG)));
        SessionFlows flows = new SessionFlows(
                sessions, subscribers, ingest, retained, authorizer, metrics, protocol.receiveMaximum(), clock);
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
        bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(pipeline);
        String bind = config.getString(BrokerConfig.MQTT_BIND_CONFIG);
        int port = config.getInt(BrokerConfig.MQTT_PORT_CONFIG);
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot listen for MQTT on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        metricsName = metrics.register(config.nodeId(), mqttPort());
        adminHttp = AdminHttpServer.start(
                config,
                new AdminService(placement.admin(), () -> NodeLiveness.liveNodes(admin, sessionsTopic)),
                sessions,
                store::all);
        placement.register(config.nodeId(), bind, mqttPort(), adminHttp == null ? -1 : adminHttp.port());
        LOG.info("MQTT listener on {}:{}, Kafka at {}", bind, mqttPort(), bootstrapServers);
    }

    /**
     * Loads the producer's metadata of every topic it writes, so that send() on an event loop never needs to
     * wait for it (max.block.ms is 0: each call below only asks for it, and fails until it has arrived).
     */
    private void warmMetadata(java.util.Set<String> topics) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        for (String topic : topics) {
            while (true) {
                try {
                    producer.partitionsFor(topic);
                    break;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("no metadata for topic " + topic + " within 60 s", e);
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    /** Creates or checks topics that carry MQTT messages (those a new mapping rule names, say). */
    private Map<String, Integer> provisionMessageTopics(java.util.Collection<String> topics, int maxPacket) {
        int partitions = config.getInt(BrokerConfig.MESSAGES_PARTITIONS_CONFIG);
        Map<String, String> sized = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxPacket + 65536));
        List<TopicSpec> specs = new ArrayList<>();
        for (String topic : topics) {
            specs.add(new TopicSpec(topic, partitions, false, sized));
        }
        return new TopicProvisioner(admin, config.getShort(BrokerConfig.REPLICATION_FACTOR_CONFIG)).ensure(specs);
    }

    private Map<String, Integer> provisionTopics(
            TopicRouter router, String retainedTopic, String sessionsTopic, int maxPacket) {
        int partitions = config.getInt(BrokerConfig.MESSAGES_PARTITIONS_CONFIG);
        // Room for the largest packet plus headers, so whatever a client may send fits in one record.
        Map<String, String> sized = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxPacket + 65536));
        List<TopicSpec> specs = new ArrayList<>();
        for (String topic : router.messageTopics()) {
            specs.add(new TopicSpec(topic, partitions, false, sized));
        }
        specs.add(new TopicSpec(retainedTopic, partitions, true, sized));
        // A session record may hold a will as large as a packet (base64 in JSON): see "Wills of a dead node".
        specs.add(new TopicSpec(
                sessionsTopic,
                partitions,
                true,
                Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(KafkaClientSettings.sessionRecordLimit(maxPacket)))));
        return new TopicProvisioner(admin, config.getShort(BrokerConfig.REPLICATION_FACTOR_CONFIG)).ensure(specs);
    }

    /** Shared subscriptions on Kafka share groups, one share consumer per group with members on this node. */
    private SharedSubscriptions sharedSubscriptions(
            Map<String, Object> clientProps, TopicRouter router, ShardReader shardReader, int defaultQos) {
        ShareGroupStart start = new ShareGroupStart(admin, router.messageTopics(), shardReader.shards());
        return new SharedSubscriptions(sub -> {
            String groupId = ShareGroupNames.groupId(
                    sub.filter().shareGroup(), String.join("/", sub.filter().levels()), router.messageTopics());
            Map<String, Object> props = KafkaClientSettings.shareConsumer(config, clientProps, groupId);
            return new ShareGroupReader(
                    groupId,
                    sub.filter(),
                    () -> new KafkaShareConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                    start,
                    router,
                    defaultQos,
                    metrics);
        });
    }

    public int mqttPort() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The port of the admin HTTP API, or -1 when it is off. */
    public int adminPort() {
        return adminHttp == null ? -1 : adminHttp.port();
    }

    /** The cluster metadata as this node sees it. */
    public io.tributary.placement.PlacementImage placementImage() {
        return placement.store().image();
    }

    /** Disconnects every client (MQTT 5: 0x8B), stores their sessions, then stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (placement != null) {
            placement.deregister(); // a graceful leave; a crashed node's record stays, liveness says it is gone
        }
        if (adminHttp != null) {
            adminHttp.close();
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (metricsName != null) {
            BrokerMetrics.unregister(metricsName);
        }
        if (sessions != null) {
            List<CompletableFuture<Void>> closed = sessions.closeFutures();
            for (ClientSession s : sessions.sessions()) {
                s.channel()
                        .eventLoop()
                        .execute(() ->
                                SessionHandler.close(s, ReasonCodes.SERVER_SHUTTING_DOWN, "server shutting down"));
            }
            try {
                CompletableFuture.allOf(closed.toArray(new CompletableFuture[0]))
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Not every session closed in time: {}", e.toString());
            }
        }
        closeQuietly(liveness);
        if (timer != null) {
            timer.shutdownNow();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        closeQuietly(shared);
        closeQuietly(reader);
        closeQuietly(catchUp);
        closeQuietly(auth);
        closeQuietly(compacted);
        if (producer != null) {
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
        closeQuietly(placement);
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
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
        if (liveness != null) {
            liveness.crash(); // stays in the group until its heartbeats are missed
        }
        closeQuietly(compacted);
        closeQuietly(reader);
        closeQuietly(catchUp);
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (metricsName != null) {
            BrokerMetrics.unregister(metricsName);
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
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

    private static void applyRetained(
            RetainedStore retained, org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        RetainedChange change = KafkaRetainedLog.replay(record);
        if (change != null) {
            retained.apply(change);
        }
    }

    private static void applySession(
            SessionStore store, org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        SessionChange change = KafkaSessionLog.replay(record);
        if (change != null) {
            store.apply(change);
        }
    }
}
