/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's own meters, the one way the protocol flows, readers and limits count what happens (the node's
 * {@code ops} wiring adds the JVM's, Kafka's and Netty's beside them). Every meter is registered once, here, and
 * held in a field: a count on the PUBLISH path is an add to a pre-built counter, with no name lookup, no tag
 * building and no allocation. Labelled families (QoS, listener, reason) are arrays indexed by the label.
 *
 * <p>The names follow Prometheus conventions once exported ({@code tributary_messages_received_total{qos="1"}});
 * docs/operations.md lists them. The same figures stay readable over JMX ({@link BrokerMetricsMXBean}).
 */
public final class BrokerMetrics implements BrokerMetricsMXBean {

    /** The listener a connection came in on: the {@code listener} label. */
    public enum Listener {
        MQTT,
        MQTTS,
        WS,
        WSS;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the ACL rules (or the ownership of a client id) refused: the {@code action} label. */
    public enum AclAction {
        PUBLISH,
        SUBSCRIBE,
        WILL,
        CLIENT_ID
    }

    /** A limit a client ran into: the {@code limit} label, with the setting it comes from in the docs. */
    public enum Limit {
        /** mqtt.max.connections */
        MAX_CONNECTIONS,
        /** mqtt.connect.rate.per.address */
        CONNECT_RATE,
        /** mqtt.max.topic.levels, mqtt.max.topic.length */
        TOPIC_SIZE,
        /** mqtt.max.subscriptions.per.client */
        SUBSCRIPTIONS_PER_CLIENT,
        /** mqtt.connect.timeout.ms */
        CONNECT_TIMEOUT,
        /** mqtt.max.packet.size */
        PACKET_SIZE
    }

    /** Why a CONNECT or a re-authentication was refused: the {@code reason} label. */
    public enum AuthFailure {
        /** MQTT 5 0x86: wrong user name or password, or one without the other. */
        BAD_CREDENTIALS,
        /** MQTT 5 0x87: anonymous under auth.mode=required, or a client id the user may not take. */
        NOT_AUTHORIZED,
        /** MQTT 5 0x8C: an authentication method the node does not offer. */
        BAD_METHOD,
        /** MQTT 5 AUTH re-authentication that failed on an established connection. */
        REAUTHENTICATION,
        /** Any other refusal code. */
        OTHER
    }

    private static final String[] PROTOCOLS = {"3.1", "3.1.1", "5"};
    /** Buckets of the latency histograms: 0.5 ms to 30 s, what a QoS 1 round trip through Kafka spans. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1).dividedBy(2),
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(200),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private final MeterRegistry registry;
    private final AtomicLong[][] connections = new AtomicLong[Listener.values().length][PROTOCOLS.length];
    private final AtomicLong openConnections = new AtomicLong();
    private final Counter[] messagesIn = new Counter[3];
    private final Counter[] messagesOut = new Counter[3];
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Timer kafkaAck;
    private final Timer deliveryLatency;
    private final Counter kafkaPublishFailures;
    private final Counter protocolErrors;
    private final AtomicLong recordsWithoutTopic = new AtomicLong();
    private final AtomicLong subscriberDrops = new AtomicLong();
    private final Counter catchUps;
    private final AtomicLong catchUpsRunning = new AtomicLong();
    private final Counter sharedDeliveries;
    private final Counter sharedReleases;
    private final Counter[] aclDenials = new Counter[AclAction.values().length];
    private final Counter[] authFailures = new Counter[AuthFailure.values().length];
    private final Counter[] limitHits = new Counter[Limit.values().length];
    private final Counter sysPublishesRefused;

    private BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
        registerConnections();
        for (int qos = 0; qos < 3; qos++) {
            String q = Integer.toString(qos);
            messagesIn[qos] = Counter.builder("tributary.messages.received")
                    .description("PUBLISH packets accepted from clients")
                    .tag("qos", q)
                    .register(registry);
            messagesOut[qos] = Counter.builder("tributary.messages.sent")
                    .description("PUBLISH packets sent to subscribers")
                    .tag("qos", q)
                    .register(registry);
        }
        bytesIn = counter("tributary.bytes.received", "payload bytes of PUBLISH packets accepted from clients");
        bytesOut = counter("tributary.bytes.sent", "payload bytes of PUBLISH packets sent to subscribers");
        kafkaAck = latency(
                "tributary.publish.kafka.ack",
                "from a PUBLISH read off the connection to Kafka's acknowledgement of its record");
        deliveryLatency = latency(
                "tributary.delivery.latency",
                "from a record's Kafka timestamp (its PUBLISH) to the node's reader handing it to the subscribers");
        kafkaPublishFailures = counter("tributary.kafka.publish.failures", "records Kafka did not acknowledge");
        protocolErrors = counter("tributary.protocol.errors", "connections closed for breaking the protocol");
        FunctionCounter.builder("tributary.records.without.topic", recordsWithoutTopic, AtomicLong::get)
                .description("records of message topics that name no valid MQTT topic, not delivered")
                .register(registry);
        FunctionCounter.builder("tributary.subscriber.dropped", subscriberDrops, AtomicLong::get)
                .description("QoS 0 messages dropped because a subscriber's queue was full")
                .register(registry);
        catchUps = counter("tributary.catchup.started", "catch-up readers started (a subscriber re-reading Kafka)");
        Gauge.builder("tributary.catchup.readers", catchUpsRunning, AtomicLong::get)
                .description("catch-up readers running now")
                .register(registry);
        sharedDeliveries = counter("tributary.shared.deliveries", "share-group records handed to a member");
        sharedReleases = counter("tributary.shared.releases", "share-group records released back to Kafka");
        for (AclAction a : AclAction.values()) {
            aclDenials[a.ordinal()] = labelled("tributary.acl.denials", "refused by the ACL rules", "action", a);
        }
        for (AuthFailure f : AuthFailure.values()) {
            authFailures[f.ordinal()] =
                    labelled("tributary.auth.failures", "refused CONNECTs and re-authentications", "reason", f);
        }
        for (Limit l : Limit.values()) {
            limitHits[l.ordinal()] = labelled("tributary.limit.hits", "requests refused by a limit", "limit", l);
        }
        sysPublishesRefused = counter("tributary.sys.publishes.refused", "PUBLISH packets into $SYS, refused");
    }

    /** The broker's meters in {@code registry} (the node's, which also serves them). */
    public static BrokerMetrics create(MeterRegistry registry) {
        return new BrokerMetrics(registry);
    }

    /** Meters that record nothing (metrics.enabled=false), for tests of single classes too. */
    public static BrokerMetrics disabled() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(MeterFilter.deny());
        return new BrokerMetrics(registry);
    }

    /** Meters that count in memory, not exported: tests of single classes read them back. */
    public static BrokerMetrics inMemory() {
        return new BrokerMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    private void registerConnections() {
        for (Listener l : Listener.values()) {
            for (int p = 0; p < PROTOCOLS.length; p++) {
                AtomicLong count = new AtomicLong();
                connections[l.ordinal()][p] = count;
                Gauge.builder("tributary.connections", count, AtomicLong::get)
                        .description("MQTT connections past CONNACK")
                        .tag("listener", l.label())
                        .tag("protocol", PROTOCOLS[p])
                        .register(registry);
            }
        }
        Gauge.builder("tributary.connections.open", openConnections, AtomicLong::get)
                .description(
                        "TCP connections open, including those not past CONNECT (what mqtt.max.connections bounds)")
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    private Counter labelled(String name, String description, String label, Enum<?> value) {
        return Counter.builder(name)
                .description(description)
                .tag(label, value.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry);
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(LATENCY_BUCKETS[0])
                .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
                .register(registry);
    }

    private static int protocolIndex(int protocolLevel) {
        return protocolLevel <= 3 ? 0 : protocolLevel == 4 ? 1 : 2;
    }

    // ---- connections ------------------------------------------------------------------------------------

    /** A client got its CONNACK on {@code listener}; {@code protocolLevel} 3 (3.1), 4 (3.1.1) or 5. */
    public void clientConnected(Listener listener, int protocolLevel) {
        connections[listener.ordinal()][protocolIndex(protocolLevel)].incrementAndGet();
    }

    /** A client counted by {@link #clientConnected} is gone. */
    public void clientDisconnected(Listener listener, int protocolLevel) {
        connections[listener.ordinal()][protocolIndex(protocolLevel)].decrementAndGet();
    }

    /** TCP connections open now: counted by the admission handler, which refuses those over the limit. */
    public AtomicLong openConnections() {
        return openConnections;
    }

    // ---- messages ---------------------------------------------------------------------------------------

    /** A PUBLISH accepted from a client. */
    public void publishReceived(int qos, int payloadBytes) {
        messagesIn[qos].increment();
        bytesIn.increment(payloadBytes);
    }

    /** A PUBLISH written to a subscriber. */
    public void publishSent(int qos, int payloadBytes) {
        messagesOut[qos].increment();
        bytesOut.increment(payloadBytes);
    }

    /** Kafka acknowledged (or failed) the record of a PUBLISH read at {@code startNanos} ({@link System#nanoTime}). */
    public void kafkaAcknowledged(long startNanos, boolean failed) {
        kafkaAck.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        if (failed) {
            kafkaPublishFailures.increment();
        }
    }

    /** The node's reader handed a record written at {@code recordTimestampMillis} to the subscribers. */
    public void dispatched(long recordTimestampMillis) {
        deliveryLatency.record(Math.max(0, System.currentTimeMillis() - recordTimestampMillis), TimeUnit.MILLISECONDS);
    }

    /** The counter of QoS 0 messages a full subscriber queue dropped; the queues add to it. */
    public AtomicLong subscriberDrops() {
        return subscriberDrops;
    }

    /** The counter of records that name no valid MQTT topic; the readers add to it. */
    public AtomicLong recordsWithoutTopic() {
        return recordsWithoutTopic;
    }

    // ---- readers ----------------------------------------------------------------------------------------

    public void catchUpStarted() {
        catchUps.increment();
        catchUpsRunning.incrementAndGet();
    }

    public void catchUpFinished() {
        catchUpsRunning.decrementAndGet();
    }

    public void sharedDelivered() {
        sharedDeliveries.increment();
    }

    public void sharedReleased() {
        sharedReleases.increment();
    }

    // ---- refusals ---------------------------------------------------------------------------------------

    public void protocolError() {
        protocolErrors.increment();
    }

    public void aclDenied(AclAction action) {
        aclDenials[action.ordinal()].increment();
    }

    /** A refused CONNECT by its MQTT 5 reason code. */
    public void authFailed(byte reasonCode) {
        authFailed(
                switch (reasonCode) {
                    case (byte) 0x86 -> AuthFailure.BAD_CREDENTIALS;
                    case (byte) 0x87 -> AuthFailure.NOT_AUTHORIZED;
                    case (byte) 0x8C -> AuthFailure.BAD_METHOD;
                    default -> AuthFailure.OTHER;
                });
    }

    public void authFailed(AuthFailure reason) {
        authFailures[reason.ordinal()].increment();
    }

    public void limitHit(Limit limit) {
        limitHits[limit.ordinal()].increment();
    }

    public void sysPublishRefused() {
        sysPublishesRefused.increment();
    }

    // ---- JMX: io.tributary:type=BrokerMetrics,node=... -------------------------------------------------

    private static long sum(Counter[] counters) {
        double sum = 0;
        for (Counter c : counters) {
            sum += c.count();
        }
        return (long) sum;
    }

    @Override
    public long getConnections() {
        long sum = 0;
        for (AtomicLong[] byProtocol : connections) {
            for (AtomicLong c : byProtocol) {
                sum += c.get();
            }
        }
        return sum;
    }

    @Override
    public long getPublishesIn() {
        return sum(messagesIn);
    }

    @Override
    public long getBytesIn() {
        return (long) bytesIn.count();
    }

    @Override
    public long getMessagesOut() {
        return sum(messagesOut);
    }

    @Override
    public long getQos0Dropped() {
        return subscriberDrops.get();
    }

    @Override
    public long getCatchUps() {
        return (long) catchUps.count();
    }

    @Override
    public long getProtocolErrors() {
        return (long) protocolErrors.count();
    }

    @Override
    public long getKafkaPublishFailures() {
        return (long) kafkaPublishFailures.count();
    }

    @Override
    public long getRecordsWithoutTopic() {
        return recordsWithoutTopic.get();
    }

    @Override
    public long getAuthFailures() {
        return sum(authFailures);
    }

    @Override
    public long getSharedDeliveries() {
        return (long) sharedDeliveries.count();
    }

    @Override
    public long getSharedReleases() {
        return (long) sharedReleases.count();
    }

    @Override
    public long getOpenConnections() {
        return openConnections.get();
    }

    @Override
    public long getConnectionsRefused() {
        return (long) limitHits[Limit.MAX_CONNECTIONS.ordinal()].count();
    }

    @Override
    public long getConnectsRateLimited() {
        return (long) limitHits[Limit.CONNECT_RATE.ordinal()].count();
    }

    @Override
    public long getTopicLimitRejections() {
        return (long) limitHits[Limit.TOPIC_SIZE.ordinal()].count();
    }

    @Override
    public long getSubscriptionQuotaRejections() {
        return (long) limitHits[Limit.SUBSCRIPTIONS_PER_CLIENT.ordinal()].count();
    }

    @Override
    public long getConnectTimeouts() {
        return (long) limitHits[Limit.CONNECT_TIMEOUT.ordinal()].count();
    }

    @Override
    public long getPacketsTooLarge() {
        return (long) limitHits[Limit.PACKET_SIZE.ordinal()].count();
    }

    @Override
    public long getBytesOut() {
        return (long) bytesOut.count();
    }

    @Override
    public long getSysPublishesRefused() {
        return (long) sysPublishesRefused.count();
    }

    @Override
    public long getAclDenials() {
        return sum(aclDenials);
    }

    /** Registers under {@code io.tributary:type=BrokerMetrics,node=...}; returns the name used. */
    public javax.management.ObjectName register(String nodeId, int port) {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        String base = "io.tributary:type=BrokerMetrics,node=" + javax.management.ObjectName.quote(nodeId);
        try {
            javax.management.ObjectName name = new javax.management.ObjectName(base);
            if (server.isRegistered(name)) {
                // Several nodes in one JVM (tests) with the same configured id: tell them apart by port.
                name = new javax.management.ObjectName(base + ",port=" + port);
            }
            server.registerMBean(this, name);
            return name;
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("cannot register the broker metrics MBean: " + e.getMessage(), e);
        }
    }

    public static void unregister(javax.management.ObjectName name) {
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (javax.management.JMException e) {
            // already gone
        }
    }
}
