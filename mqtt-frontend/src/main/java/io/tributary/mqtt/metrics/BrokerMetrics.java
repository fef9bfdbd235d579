/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.noop.NoopMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The broker's own meters, the one way the protocol flows, readers and limits count what happens (the node's
 * {@code ops} wiring adds the JVM's, Kafka's and Netty's beside them). Every meter is registered once, here, and
 * held in a field: a count on the PUBLISH path is an add to a pre-built counter, with no name lookup, no tag
 * building and no allocation. Labelled families (QoS, listener, reason) are arrays indexed by the label.
 *
 * <p>What every PUBLISH passes (issue 15, profiled with JFR): the message and byte counts are {@link LongAdder}s
 * exported as function counters, one uncontended add each (none when the registry denies them); the two latency
 * histograms are {@link LatencyHistogram}s, not Micrometer timers, recorded on the event loops and the shard
 * reader, never on the Kafka producer's I/O thread, which QoS 1 ingest is bound by.
 *
 * <p>The names follow Prometheus conventions once exported ({@code tributary_messages_received_total{qos="1"}});
 * docs/operations.md lists them. The same figures stay readable over JMX ({@link BrokerMetricsMXBean}).
 */
public final class BrokerMetrics implements BrokerMetricsMXBean {

    private static final String[] PROTOCOLS = {"3.1", "3.1.1", "5"};
    /** Buckets of the latency histograms, in ms: 0.5 ms to 30 s, what a QoS 1 round trip through Kafka spans. */
    private static final double[] LATENCY_BUCKETS_MS = {
        0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000
    };

    private final MeterRegistry registry;
    private final AtomicLong[][] connections = new AtomicLong[ListenerKind.values().length][PROTOCOLS.length];
    private final AtomicLong openConnections = new AtomicLong();
    private final LongAdder[] messagesIn = adders(3);
    private final LongAdder[] messagesOut = adders(3);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    /**
     * False when the registry denies the meters (metrics.enabled=false): the adders and histograms, which are not
     * Micrometer meters, then record nothing either.
     */
    private final boolean enabled;

    private final LatencyHistogram kafkaAck = new LatencyHistogram(
            "tributary_publish_kafka_ack_seconds",
            "from a PUBLISH read off the connection to Kafka's acknowledgement of its record, as the connection's"
                    + " event loop takes the acknowledgement up",
            LATENCY_BUCKETS_MS);
    private final LatencyHistogram deliveryLatency = new LatencyHistogram(
            "tributary_delivery_latency_seconds",
            "from a record's Kafka timestamp (its PUBLISH) to the node's reader handing it to the subscribers",
            LATENCY_BUCKETS_MS);
    private final Counter kafkaPublishFailures;
    private final Counter protocolErrors;
    private final AtomicLong recordsWithoutTopic = new AtomicLong();
    private final AtomicLong subscriberDrops = new AtomicLong();
    /** The schema bindings' own counts of refused payloads, read when scraped (schema/SchemaBindings holds them). */
    private volatile LongSupplier schemaInvalid = () -> 0;

    private volatile LongSupplier schemaUnavailable = () -> 0;
    private final Counter catchUps;
    private final AtomicLong catchUpsRunning = new AtomicLong();
    private final Counter sharedDeliveries;
    private final Counter sharedReleases;
    private final Counter[] aclDenials = new Counter[AclAction.values().length];
    private final Counter[] authFailures = new Counter[AuthFailure.values().length];
    private final Counter[] limitHits = new Counter[LimitKind.values().length];
    private final Counter sysPublishesRefused;
    private final Counter publishesTooLargeForClient;

    private BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
        registerConnections();
        for (int qos = 0; qos < 3; qos++) {
            String q = Integer.toString(qos);
            FunctionCounter.builder("tributary.messages.received", messagesIn[qos], LongAdder::sum)
                    .description("PUBLISH packets accepted from clients")
                    .tag("qos", q)
                    .register(registry);
            FunctionCounter.builder("tributary.messages.sent", messagesOut[qos], LongAdder::sum)
                    .description("PUBLISH packets sent to subscribers")
                    .tag("qos", q)
                    .register(registry);
        }
        FunctionCounter.builder("tributary.bytes.received", bytesIn, LongAdder::sum)
                .description("payload bytes of PUBLISH packets accepted from clients")
                .register(registry);
        FunctionCounter sent = FunctionCounter.builder("tributary.bytes.sent", bytesOut, LongAdder::sum)
                .description("payload bytes of PUBLISH packets sent to subscribers")
                .register(registry);
        enabled = !(sent instanceof NoopMeter);
        kafkaPublishFailures = counter("tributary.kafka.publish.failures", "records Kafka did not acknowledge");
        protocolErrors = counter("tributary.protocol.errors", "connections closed for breaking the protocol");
        FunctionCounter.builder("tributary.records.without.topic", recordsWithoutTopic, AtomicLong::get)
                .description("records of message topics that name no valid MQTT topic, not delivered")
                .register(registry);
        FunctionCounter.builder("tributary.subscriber.dropped", subscriberDrops, AtomicLong::get)
                .description("QoS 0 messages dropped because a subscriber's queue was full")
                .register(registry);
        FunctionCounter.builder("tributary.schema.refusals", this, m -> m.schemaInvalid.getAsLong())
                .description("PUBLISH payloads and wills refused by a schema binding")
                .tag("reason", "invalid")
                .register(registry);
        FunctionCounter.builder("tributary.schema.refusals", this, m -> m.schemaUnavailable.getAsLong())
                .description("PUBLISH payloads and wills refused by a schema binding")
                .tag("reason", "unavailable")
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
        for (LimitKind l : LimitKind.values()) {
            limitHits[l.ordinal()] = labelled("tributary.limit.hits", "requests refused by a limit", "limit", l);
        }
        sysPublishesRefused = counter("tributary.sys.publishes.refused", "PUBLISH packets into $SYS, refused");
        publishesTooLargeForClient = counter(
                "tributary.messages.too.large.for.client",
                "PUBLISH packets not sent because they exceed the client's Maximum Packet Size");
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

    /**
     * The latency histograms, kept out of Micrometer (see {@link LatencyHistogram}): the node's registry exports
     * them with {@link LatencyHistogram#collector}; none when the metrics are off.
     */
    public List<LatencyHistogram> latencyHistograms() {
        return enabled ? List.of(kafkaAck, deliveryLatency) : List.of();
    }

    private void registerConnections() {
        for (ListenerKind l : ListenerKind.values()) {
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

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
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

    private static int protocolIndex(int protocolLevel) {
        return protocolLevel <= 3 ? 0 : protocolLevel == 4 ? 1 : 2;
    }

    // ---- connections ------------------------------------------------------------------------------------

    /** A client got its CONNACK on {@code listener}; {@code protocolLevel} 3 (3.1), 4 (3.1.1) or 5. */
    public void clientConnected(ListenerKind listener, int protocolLevel) {
        connections[listener.ordinal()][protocolIndex(protocolLevel)].incrementAndGet();
    }

    /** A client counted by {@link #clientConnected} is gone. */
    public void clientDisconnected(ListenerKind listener, int protocolLevel) {
        connections[listener.ordinal()][protocolIndex(protocolLevel)].decrementAndGet();
    }

    /** TCP connections open now: counted by the admission handler, which refuses those over the limit. */
    public AtomicLong openConnections() {
        return openConnections;
    }

    // ---- messages ---------------------------------------------------------------------------------------

    /** A PUBLISH accepted from a client. */
    public void publishReceived(int qos, int payloadBytes) {
        if (enabled) {
            messagesIn[qos].increment();
            bytesIn.add(payloadBytes);
        }
    }

    /** A PUBLISH written to a subscriber. */
    public void publishSent(int qos, int payloadBytes) {
        if (enabled) {
            messagesOut[qos].increment();
            bytesOut.add(payloadBytes);
        }
    }

    /**
     * Kafka acknowledged (or failed) the record of a PUBLISH read at {@code startNanos} ({@link System#nanoTime}).
     * Call it on the connection's event loop, not in the producer's callback: the timer's histogram, sum and
     * maximum would otherwise be recorded on the producer's single I/O thread.
     */
    public void kafkaAcknowledged(long startNanos, boolean failed) {
        if (enabled) {
            kafkaAck.record(System.nanoTime() - startNanos);
        }
        if (failed) {
            kafkaPublishFailures.increment();
        }
    }

    /** The node's reader handed a record written at {@code recordTimestampMillis} to the subscribers. */
    public void dispatched(long recordTimestampMillis) {
        if (enabled) {
            deliveryLatency.record((System.currentTimeMillis() - recordTimestampMillis) * 1_000_000);
        }
    }

    /** The counter of QoS 0 messages a full subscriber queue dropped; the queues add to it. */
    public AtomicLong subscriberDrops() {
        return subscriberDrops;
    }

    /**
     * Where {@code tributary.schema.refusals} reads its counts: payloads that did not match their binding's schema
     * ({@code reason=invalid}, 0x99) and payloads refused because the schema could not be had
     * ({@code reason=unavailable}, 0x80). The bindings count on their own; this costs nothing per PUBLISH.
     */
    public void countSchemaRefusals(LongSupplier invalid, LongSupplier unavailable) {
        this.schemaInvalid = invalid;
        this.schemaUnavailable = unavailable;
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

    public void limitHit(LimitKind limit) {
        limitHits[limit.ordinal()].increment();
    }

    /** A PUBLISH not sent because it exceeds the client's Maximum Packet Size [MQTT-3.1.2-25]. */
    public void publishTooLargeForClient() {
        publishesTooLargeForClient.increment();
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

    private static long sum(LongAdder[] adders) {
        long sum = 0;
        for (LongAdder a : adders) {
            sum += a.sum();
        }
        return sum;
    }

    @Override
    public long getPublishesIn() {
        return sum(messagesIn);
    }

    @Override
    public long getBytesIn() {
        return bytesIn.sum();
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
        return (long) limitHits[LimitKind.MAX_CONNECTIONS.ordinal()].count();
    }

    @Override
    public long getConnectsRateLimited() {
        return (long) limitHits[LimitKind.CONNECT_RATE.ordinal()].count();
    }

    @Override
    public long getTopicLimitRejections() {
        return (long) limitHits[LimitKind.TOPIC_SIZE.ordinal()].count();
    }

    @Override
    public long getSubscriptionQuotaRejections() {
        return (long) limitHits[LimitKind.SUBSCRIPTIONS_PER_CLIENT.ordinal()].count();
    }

    @Override
    public long getConnectTimeouts() {
        return (long) limitHits[LimitKind.CONNECT_TIMEOUT.ordinal()].count();
    }

    @Override
    public long getPacketsTooLarge() {
        return (long) limitHits[LimitKind.PACKET_SIZE.ordinal()].count();
    }

    @Override
    public long getBytesOut() {
        return bytesOut.sum();
    }

    @Override
    public long getSysPublishesRefused() {
        return (long) sysPublishesRefused.count();
    }

    @Override
    public long getAclDenials() {
        return sum(aclDenials);
    }

    @Override
    public long getPublishesTooLargeForClient() {
        return (long) publishesTooLargeForClient.count();
    }
}
