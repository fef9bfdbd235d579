/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent session moves from one node to another when its client connects there: the first node's
 * connection is closed with DISCONNECT 0x8E [MQTT-3.1.4-3], its exact state is handed over through the
 * sessions topic, and the second node resumes it. No PUBACKed QoS 1 message is lost, no QoS 2 message is
 * delivered twice.
 */
class CrossNodeTakeoverIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrossNodeTakeoverIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long, so that a take-over that only succeeded by timing out shows as slow. */
    private static final int TAKEOVER_TIMEOUT_MS = 10_000;

    @RegisterExtension
    static final BrokerExtension cluster =
            BrokerExtension.withNodes(3, Map.of(BrokerConfig.SESSION_TAKEOVER_TIMEOUT_CONFIG, TAKEOVER_TIMEOUT_MS));

    /** A persistent MQTT 5 client that records what it receives and why it was disconnected. */
    static final class Client {
        final Mqtt5BlockingClient client;
        final List<String> got = new CopyOnWriteArrayList<>();
        final AtomicReference<Mqtt5DisconnectReasonCode> disconnectedWith = new AtomicReference<>();
        final Mqtt5ConnAck connAck;

        Client(BrokerNode node, String id, boolean cleanStart) {
            this(node, id, cleanStart, 600);
        }

        Client(BrokerNode node, String id, boolean cleanStart, long sessionExpiry) {
            client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(id)
                    .serverHost("127.0.0.1")
                    .serverPort(node.mqttPort())
                    .addDisconnectedListener(ctx -> {
                        if (ctx.getCause() instanceof Mqtt5DisconnectException d) {
                            disconnectedWith.set(d.getMqttMessage().getReasonCode());
                        }
                    })
                    .buildBlocking();
            client.toAsync()
                    .publishes(
                            MqttGlobalPublishFilter.ALL,
                            p -> got.add(p.getQos().getCode() + ":"
                                    + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            connAck = client.connectWith()
                    .cleanStart(cleanStart)
                    .sessionExpiryInterval(sessionExpiry)
                    .send();
        }

        long count(String delivery) {
            return got.stream().filter(delivery::equals).count();
        }
    }

    static void publishAll(Mqtt5BlockingClient pub, String topic, int qos, String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            pub.publishWith()
                    .topic(topic)
                    .qos(MqttQos.fromCode(qos))
                    .payload((prefix + i).getBytes(StandardCharsets.UTF_8))
                    .send(); // returns after PUBACK / PUBCOMP
        }
    }

    static Mqtt5BlockingClient publisher(BrokerNode node, String id) {
        Mqtt5BlockingClient pub = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        pub.connect();
        return pub;
    }

    /** The latest record of the client's session in the sessions topic, or null (none, or a tombstone). */
    static JsonNode latestSession(String clientId) throws Exception {
        return latestSession(cluster, clientId);
    }

    static JsonNode latestSession(BrokerExtension cluster, String clientId) throws Exception {
        String topic =
                cluster.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString();
        byte[] latest = null;
        for (ConsumerRecord<byte[], byte[]> r : cluster.kafka().readAll(topic)) {
            if (clientId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                latest = r.value();
            }
        }
        return latest == null ? null : JSON.readTree(latest);
    }

    static List<JsonNode> sessionRecords(String clientId) throws Exception {
        String topic =
                cluster.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString();
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : cluster.kafka().readAll(topic)) {
            if (clientId.equals(new String(r.key(), StandardCharsets.UTF_8)) && r.value() != null) {
                out.add(JSON.readTree(r.value()));
            }
        }
        return out;
    }

    /** Node 0 has nothing in flight for the client (a checkpoint with no unacknowledged packet id). */
    static boolean quiescent(BrokerExtension cluster, String clientId) throws Exception {
        JsonNode s = latestSession(cluster, clientId);
        return s != null
                && s.path("delivery").path("releases").isEmpty()
                && s.path("delivery").path("packetIds").isEmpty();
    }

    @Test
    void sessionMovesToAnotherNodeWithoutLossOrQos2Duplicates() throws Exception {
        String id = "mover";
        Client onA = new Client(cluster.node(0), id, true);
        onA.client
                .subscribeWith()
                .topicFilter("move/q1")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send();
        onA.client
                .subscribeWith()
                .topicFilter("move/q2")
                .qos(MqttQos.EXACTLY_ONCE)
                .send();
        Mqtt5BlockingClient pub = publisher(cluster.node(2), "mover-pub");
        publishAll(pub, "move/q1", 1, "a", 0, 30);
        publishAll(pub, "move/q2", 2, "b", 0, 30);
        await().atMost(Duration.ofSeconds(15)).until(() -> onA.got.size() >= 60);
        await().atMost(Duration.ofSeconds(10)).until(() -> quiescent(cluster, id));

        long t0 = System.nanoTime();
        Client onB = new Client(cluster.node(1), id, false);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("Cross-node take-over: CONNACK from node 1 after {} ms", tookMs);
        assertThat(onB.connAck.isSessionPresent()).isTrue();
        assertThat(tookMs).as("handed over, not timed out").isLessThan(TAKEOVER_TIMEOUT_MS / 2);
        // [MQTT-3.1.4-3]: the existing connection is closed, MQTT 5 with reason code 0x8E.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> onA.disconnectedWith.get() == Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        assertThat(sessionRecords(id)).anySatisfy(r -> {
            assertThat(r.path("phase").asText()).isEqualTo("handover");
            assertThat(r.path("owner").asText()).isEqualTo("node-0");
        });

        publishAll(pub, "move/q1", 1, "a", 30, 60);
        publishAll(pub, "move/q2", 2, "b", 30, 60);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> onB.got.stream().filter(g -> g.startsWith("1:")).count() >= 30
                        && onB.got.stream().filter(g -> g.startsWith("2:")).count() >= 30);
        for (int i = 0; i < 60; i++) {
            assertThat(onA.count("1:a" + i) + onB.count("1:a" + i))
                    .as("QoS 1 a%d at least once", i)
                    .isGreaterThanOrEqualTo(1);
            // [MQTT-4.3.3-1] exactly once, across both connections of the client
            assertThat(onA.count("2:b" + i) + onB.count("2:b" + i))
                    .as("QoS 2 b%d exactly once", i)
                    .isEqualTo(1);
        }
        onB.client.disconnect();
        pub.disconnect();
    }

    /** QoS 1 keeps flowing while the session moves: every message the publisher had PUBACKed arrives. */
    @Test
    void qos1FlowingDuringTheTakeOverIsNotLost() throws Exception {
        String id = "flow-mover";
        Client onA = new Client(cluster.node(0), id, true);
        onA.client
                .subscribeWith()
                .topicFilter("flow/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send();
        Mqtt5BlockingClient pub = publisher(cluster.node(2), "flow-pub");
        List<String> acked = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread publishing = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                pub.publishWith()
                        .topic("flow/x")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("f" + i).getBytes(StandardCharsets.UTF_8))
                        .send();
                acked.add("1:f" + i);
            }
        });
        publishing.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> onA.got.size() >= 50);
        Client onB = new Client(cluster.node(1), id, false);
        assertThat(onB.connAck.isSessionPresent()).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> onB.got.size() >= 50);
        stop.set(true);
        publishing.join(10_000);
        int total = acked.size();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> acked.stream().allMatch(m -> onA.got.contains(m) || onB.got.contains(m)));
        LOG.info(
                "{} QoS 1 messages across the take-over: {} on node 0, {} on node 1 ({} delivered to both)",
                total,
                onA.got.size(),
                onB.got.size(),
                onA.got.stream().filter(onB.got::contains).count());
        assertThat(onA.disconnectedWith.get()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        onB.client.disconnect();
        pub.disconnect();
    }

    /**
     * Clean start on another node discards the session everywhere [MQTT-3.1.2-4]; with session expiry 0 no
     * new one is stored, so no node has a session for the client afterwards.
     */
    @Test
    void cleanStartOnAnotherNodeDiscardsTheSessionEverywhere() throws Exception {
        String id = "cleaner";
        Client onA = new Client(cluster.node(0), id, true);
        onA.client
                .subscribeWith()
                .topicFilter("clean/t")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send();
        await().atMost(Duration.ofSeconds(10)).until(() -> latestSession(id) != null);
        Client onB = new Client(cluster.node(1), id, true, 0);
        assertThat(onB.connAck.isSessionPresent()).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> onA.disconnectedWith.get() == Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        onB.client.disconnect();
        Map<Integer, Boolean> present = new HashMap<>();
        for (int n = 0; n < 3; n++) {
            int node = n;
            Client again = new Client(cluster.node(node), id, false);
            present.put(node, again.connAck.isSessionPresent());
            again.client.disconnectWith().sessionExpiryInterval(0).send();
            await().atMost(Duration.ofSeconds(10)).until(() -> latestSession(id) == null);
        }
        assertThat(present).containsOnly(Map.entry(0, false), Map.entry(1, false), Map.entry(2, false));
    }
}
