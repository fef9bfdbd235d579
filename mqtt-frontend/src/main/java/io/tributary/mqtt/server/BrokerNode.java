/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.tributary.mqtt.codec.MqttPipeline;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.delivery.CatchUpReader;
import io.tributary.mqtt.delivery.ShardReader;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.kafka.CompactedTopicLoader;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.TopicProvisioner;
import io.tributary.mqtt.kafka.TopicProvisioner.TopicSpec;
import io.tributary.mqtt.protocol.NodeServices;
import io.tributary.mqtt.protocol.ReasonCodes;
import io.tributary.mqtt.protocol.SessionHandler;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.publish.PublishFlowControl;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionStore;
import io.tributary.mqtt.session.WillPublisher;
import io.tributary.mqtt.sys.SysTopicPublisher;

/**
 * One broker node: wires the Kafka clients, the stores, the shard readers and the MQTT listener, and
 * takes them down in the reverse order. A node keeps no state of its own: everything it needs is read
 * back from Kafka at start.
 */
public final class BrokerNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerNode.class);

    private final BrokerConfig config;
    private final BrokerMetrics metrics = new BrokerMetrics();
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private ShardReader reader;
    private CatchUpReader catchUp;
    private SessionRegistry sessions;
    private ScheduledExecutorService timer;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private javax.management.ObjectName metricsName;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private BrokerNode(BrokerConfig config) {
        this.config = config;
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
        Map<String, Object> clientProps = config.kafkaClientProps(bootstrapServers);
        TopicRouter router = new TopicRouter(config.getString(BrokerConfig.MESSAGES_TOPIC_CONFIG),
                config.mappingRules());
        String retainedTopic = config.getString(BrokerConfig.RETAINED_TOPIC_CONFIG);
        String sessionsTopic = config.getString(BrokerConfig.SESSIONS_TOPIC_CONFIG);
        int maxPacket = config.getInt(BrokerConfig.MAX_PACKET_SIZE_CONFIG);

        admin = Admin.create(clientProps);
        Map<String, Integer> partitions = provisionTopics(router, retainedTopic, sessionsTopic, maxPacket);

        producer = new KafkaProducer<>(producerProps(clientProps, maxPacket), new ByteArraySerializer(),
                new ByteArraySerializer());
        warmMetadata(partitions.keySet());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-timer");
            t.setDaemon(true);
            return t;
        });

        KafkaSender sender = new KafkaSender(producer, timer, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG));
        RetainedStore retained = new RetainedStore(sender, retainedTopic);
        CompactedTopicLoader.readToEnd(clientProps, retainedTopic, partitions.get(retainedTopic), retained::load);
        SessionStore store = new SessionStore(sender, sessionsTopic, timer);
        CompactedTopicLoader.readToEnd(clientProps, sessionsTopic, partitions.get(sessionsTopic), store::load);
        store.startExpiryTimers(System.currentTimeMillis());
        LOG.info("Loaded {} retained messages and {} sessions", retained.size(), store.size());

        int defaultQos = config.getInt(BrokerConfig.PLAIN_RECORD_QOS_CONFIG);
        Map<String, Object> consumerProps = consumerProps(clientProps);
        catchUp = new CatchUpReader(2, () -> new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), router, defaultQos, metrics);
        SubscriberRegistry subscribers = new SubscriberRegistry();
        reader = new ShardReader(new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), ShardReader.shardsOf(partitions, router.messageTopics()), router,
                subscribers, catchUp, defaultQos, metrics);
        catchUp.setReader(reader);
        reader.start();

        PublishFlowControl flowControl = new PublishFlowControl(config.getLong(BrokerConfig.PUBLISH_INFLIGHT_BYTES_CONFIG));
        IngestService ingest = new IngestService(sender, router, retained, flowControl);
        WillPublisher wills = new WillPublisher(ingest, timer);
        sessions = new SessionRegistry(store, subscribers, reader, catchUp, wills, config.nodeId(),
                config.getInt(BrokerConfig.SESSION_QUEUE_CONFIG), config.getInt(BrokerConfig.SESSION_INFLIGHT_CONFIG),
                metrics.qos0Dropped);
        int checkpointMs = config.getInt(BrokerConfig.SESSION_CHECKPOINT_CONFIG);
        timer.scheduleWithFixedDelay(sessions::checkpoint, checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
        int sysMs = config.getInt(BrokerConfig.SYS_INTERVAL_CONFIG);
        if (sysMs > 0) {
            timer.scheduleWithFixedDelay(new SysTopicPublisher(config.nodeId(), metrics, subscribers, reader::lag,
                    System::currentTimeMillis), sysMs, sysMs, TimeUnit.MILLISECONDS);
        }

        NodeServices services = new NodeServices(sessions, subscribers, ingest, retained, metrics,
                config.getInt(BrokerConfig.PUBLISH_INFLIGHT_CONFIG), maxPacket,
                config.getInt(BrokerConfig.MAX_CLIENT_ID_CONFIG), config.getInt(BrokerConfig.CONNECT_TIMEOUT_CONFIG),
                NodeLimits.of(config));
        bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new MqttPipeline(services));
        String bind = config.getString(BrokerConfig.MQTT_BIND_CONFIG);
        int port = config.getInt(BrokerConfig.MQTT_PORT_CONFIG);
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen for MQTT on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        metricsName = metrics.register(config.nodeId(), mqttPort());
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

    private Map<String, Integer> provisionTopics(TopicRouter router, String retainedTopic, String sessionsTopic,
                                                 int maxPacket) {
        int partitions = config.getInt(BrokerConfig.MESSAGES_PARTITIONS_CONFIG);
        // Room for the largest packet plus headers, so whatever a client may send fits in one record.
        Map<String, String> sized = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxPacket + 65536));
        List<TopicSpec> specs = new ArrayList<>();
        for (String topic : router.messageTopics()) {
            specs.add(new TopicSpec(topic, partitions, false, sized));
        }
        specs.add(new TopicSpec(retainedTopic, partitions, true, sized));
        specs.add(new TopicSpec(sessionsTopic, partitions, true, Map.of()));
        return new TopicProvisioner(admin, config.getShort(BrokerConfig.REPLICATION_FACTOR_CONFIG)).ensure(specs);
    }

    private Map<String, Object> producerProps(Map<String, Object> clientProps, int maxPacket) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.putAll(clientProps);
        // Not overridable: the delivery guarantees rest on them.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxPacket + 65536);
        long inflight = config.getLong(BrokerConfig.PUBLISH_INFLIGHT_BYTES_CONFIG);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 4 * inflight));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Math.min(30_000, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG) - 10));
        props.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int) Duration.ofDays(1).toMillis());
        // send() runs on event loops: it must fail at once rather than wait for metadata or buffer space.
        // Topic metadata is loaded at start and kept; buffer space is bounded by publish.max.inflight.bytes.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tributary-" + config.nodeId());
        return props;
    }

    private static Map<String, Object> consumerProps(Map<String, Object> clientProps) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return props;
    }

    public int mqttPort() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    /** Disconnects every client (MQTT 5: 0x8B), stores their sessions, then stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
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
                s.channel().eventLoop().execute(() -> {
                    SessionHandler h = s.channel().pipeline().get(SessionHandler.class);
                    if (h != null) {
                        h.closeWithReason(ReasonCodes.SERVER_SHUTTING_DOWN, "server shutting down");
                    } else {
                        s.channel().close();
                    }
                });
            }
            try {
                CompletableFuture.allOf(closed.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Not every session closed in time: {}", e.toString());
            }
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        closeQuietly(reader);
        closeQuietly(catchUp);
        if (producer != null) {
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
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
}
