/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.protocol.ConnectGate;
import io.tributary.mqtt.protocol.ConnectPolicy;
import io.tributary.mqtt.protocol.MqttPipeline;
import io.tributary.mqtt.protocol.ProtocolSettings;
import io.tributary.mqtt.protocol.SessionAcl;
import io.tributary.mqtt.protocol.SessionFlows;
import io.tributary.mqtt.protocol.SessionHandler;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.publish.PublishFlowControl;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.session.ExactlyOnce;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionStore;
import io.tributary.mqtt.session.WillPublisher;
import io.tributary.mqtt.wire.ReasonCodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One broker node's protocol core, wired as server.BrokerNode wires it but with in-memory ports: connections
 * are EmbeddedChannels, Kafka is {@link InMemoryMessageLog} and friends, time is {@link MutableClock} and
 * {@link ManualScheduler}. Everything runs on the test thread; {@link #settle()} runs what is pending until
 * nothing moves.
 */
final class ProtocolHarness implements AutoCloseable {

    static final String MESSAGES_TOPIC = "mqtt-messages";
    static final String NODE_ID = "node-1";

    /** What a scenario may change about the node; defaults are the broker's defaults where they matter. */
    static final class Options {
        int receiveMaximum = 100;
        int maxPacketSize = 1024 * 1024;
        int maxClientIdLength = 64;
        int connectTimeoutMs = 10_000;
        int topicAliasMaximum = 10;
        int keepAliveMaxSeconds = 0;
        int sessionQueue = 1000;
        int sessionInflight = 100;
        AuthService auth = AuthService.anonymous();
        Authorizer authorizer = Authorizer.allowAll();
    }

    final MutableClock clock = new MutableClock();
    final ManualScheduler timer = new ManualScheduler(clock);
    final BrokerMetrics metrics = BrokerMetrics.inMemory();
    final SubscriberRegistry subscribers = new SubscriberRegistry();
    final InMemoryMessageLog messages = new InMemoryMessageLog(subscribers);
    final InMemoryCatchUp catchUp = new InMemoryCatchUp(messages);
    final InMemoryRetainedLog retainedLog = new InMemoryRetainedLog();
    final InMemorySessionLog sessionLog = new InMemorySessionLog();
    final SessionStore store;
    final SessionRegistry sessions;
    private final MqttPipeline pipeline;
    private final List<TestClient> clients = new ArrayList<>();
    private final AtomicInteger assignedIds = new AtomicInteger();

    ProtocolHarness() {
        this(new Options());
    }

    ProtocolHarness(Options o) {
        TopicRouter router = new TopicRouter(MESSAGES_TOPIC, List.of());
        RetainedStore retained = new RetainedStore(retainedLog);
        store = new SessionStore(sessionLog, timer, NODE_ID, clock);
        IngestService ingest = new IngestService(messages, router, retained, new PublishFlowControl(64L << 20));
        WillPublisher wills = new WillPublisher(ingest, timer, store, clock);
        sessions = new SessionRegistry(
                store,
                subscribers,
                messages,
                catchUp,
                wills,
                NODE_ID,
                o.sessionQueue,
                o.sessionInflight,
                metrics.subscriberDrops(),
                clock);
        sessions.configureTakeover(
                5000, s -> SessionHandler.close(s, ReasonCodes.SESSION_TAKEN_OVER, "session taken over"));
        sessions.configureAccess(new SessionAcl(o.authorizer));
        ProtocolSettings protocol = new ProtocolSettings(
                o.receiveMaximum,
                o.maxPacketSize,
                o.maxClientIdLength,
                o.connectTimeoutMs,
                new ConnectPolicy(o.topicAliasMaximum, o.keepAliveMaxSeconds, ""));
        SessionFlows flows = new SessionFlows(
                sessions,
                subscribers,
                ingest,
                retained,
                o.authorizer,
                metrics,
                protocol.receiveMaximum(),
                clock,
                new ExactlyOnce(sessions, store));
        pipeline = new MqttPipeline(
                protocol,
                () -> NodeLimits.NONE,
                metrics,
                inForce -> new ConnectGate(
                        protocol,
                        inForce,
                        o.auth,
                        o.authorizer,
                        sessions,
                        flows,
                        metrics,
                        () -> "assigned-" + assignedIds.incrementAndGet()));
    }

    /** A new MQTT 5 connection with a clean start and the given CONNECT properties, accepted (CONNACK 0). */
    TestClient connectedV5(String clientId, MqttProperties connectProps) {
        TestClient c = open(ClientPackets.V5)
                .send(ClientPackets.connect(ClientPackets.V5, clientId, true)
                        .properties(connectProps)
                        .build());
        assertThat(c.connAckCode()).isZero();
        return c;
    }

    /** A new network connection to the node, speaking {@code version}; nothing is sent yet. */
    TestClient open(MqttVersion version) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                pipeline.install(ch.pipeline());
            }
        });
        channel.freezeTime(); // keep alive and connect timeout move only with advance()
        TestClient client = new TestClient(this, channel, version);
        clients.add(client);
        return client;
    }

    /** Runs pending work (event loops, the timer's due tasks, replays) until nothing moves. */
    void settle() {
        for (int round = 0; round < 20; round++) {
            boolean moved = timer.runDue() | catchUp.runScheduled();
            for (TestClient c : List.copyOf(clients)) {
                c.channel().runPendingTasks();
            }
            if (!moved && round >= 3) {
                return;
            }
        }
    }

    /** Moves time for the node's timer and every connection's event loop, then runs what became due. */
    void advance(Duration d) {
        clock.advance(d);
        for (TestClient c : List.copyOf(clients)) {
            c.channel().advanceTimeBy(d.toMillis(), TimeUnit.MILLISECONDS);
            c.channel().runScheduledPendingTasks();
        }
        settle();
    }

    @Override
    public void close() {
        for (TestClient c : clients) {
            c.release();
        }
    }
}
