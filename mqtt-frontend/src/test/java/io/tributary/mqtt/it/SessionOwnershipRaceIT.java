/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two CONNECTs with one client id on two nodes within milliseconds end with exactly one holder of the session
 * [MQTT-3.1.4-3]: the first record of an epoch in the sessions topic claims it, a node answers CONNACK only once it
 * read its claim back as that record, and the connection that loses is closed with 0x8E (Session taken over). Real
 * clients, two nodes, one Kafka, many rounds.
 */
class SessionOwnershipRaceIT {

    private static final int ROUNDS = 12;

    @RegisterExtension
    static final BrokerExtension cluster = BrokerExtension.withNodes(2, Map.of());

    /** A persistent MQTT 5 client on one node that records its messages and why it was disconnected. */
    private static final class Racer {
        final String nodeId;
        final Mqtt5AsyncClient client;
        final List<String> got = new CopyOnWriteArrayList<>();
        final AtomicReference<Mqtt5DisconnectReasonCode> disconnectedWith = new AtomicReference<>();

        /** A clean session (Clean Start, expiry 0, no will): never stored, recorded only while connected. */
        final boolean clean;

        Racer(BrokerNode node, String nodeId, String clientId) {
            this(node, nodeId, clientId, false);
        }

        Racer(BrokerNode node, String nodeId, String clientId, boolean clean) {
            this.nodeId = nodeId;
            this.clean = clean;
            this.client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(clientId)
                    .serverHost("127.0.0.1")
                    .serverPort(node.mqttPort())
                    .addDisconnectedListener(ctx -> {
                        if (ctx.getCause() instanceof Mqtt5DisconnectException d) {
                            disconnectedWith.set(d.getMqttMessage().getReasonCode());
                        }
                    })
                    .buildAsync();
            client.publishes(
                    MqttGlobalPublishFilter.ALL,
                    p -> got.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        }

        CompletableFuture<?> connect() {
            return client.connectWith()
                    .cleanStart(clean)
                    .sessionExpiryInterval(clean ? 0 : 600)
                    .send()
                    .handle((ack, e) -> null); // a CONNECT refused or cut counts as not connected
        }

        boolean connected() {
            return client.getState().isConnected();
        }
    }

    @Test
    void simultaneousConnectsOnTwoNodesLeaveExactlyOneHolder() throws Exception {
        race(ROUNDS, false);
    }

    @Test
    void simultaneousCleanConnectsOnTwoNodesLeaveExactlyOneHolder() throws Exception {
        race(6, true);
    }

    @Test
    void aCleanSessionIsTakenOverByAConnectOnTheOtherNode() throws Exception {
        Racer first = new Racer(cluster.node(0), "node-0", "clean-moving", true);
        first.connect().get(10, TimeUnit.SECONDS);
        assertThat(first.connected()).isTrue();
        // The second node knows the connection from the sessions topic (as soon as the first node's CONNACK, or a
        // tail round trip later; either way the later CONNECT takes the client id over [MQTT-3.1.4-3]).
        Racer second = new Racer(cluster.node(1), "node-1", "clean-moving", true);
        second.connect().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> second.connected() && !first.connected());
        assertThat(first.disconnectedWith.get()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(second::connected);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode latest = CrossNodeTakeoverIT.latestSession(cluster, "clean-moving");
            return latest != null && "node-1".equals(latest.path("owner").asText());
        });

        // Its end leaves no session behind: a tombstone, as for any session that ends.
        second.client.disconnect().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> CrossNodeTakeoverIT.latestSession(cluster, "clean-moving") == null);
    }

    private static void race(int rounds, boolean clean) throws Exception {
        Mqtt5BlockingClient publisher = MqttClient.builder()
                .useMqttVersion5()
                .identifier("race-publisher")
                .serverHost("127.0.0.1")
                .serverPort(cluster.node(0).mqttPort())
                .buildBlocking();
        publisher.connect();
        for (int round = 0; round < rounds; round++) {
            String clientId = (clean ? "clean-racer-" : "racer-") + round;
            String topic = "race/" + clientId;
            String message = "m-" + clientId;
            Racer a = new Racer(cluster.node(0), "node-0", clientId, clean);
            Racer b = new Racer(cluster.node(1), "node-1", clientId, clean);
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<?>> attempts = new ArrayList<>();
            for (Racer r : List.of(a, b)) {
                attempts.add(CompletableFuture.runAsync(() -> {
                            try {
                                start.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        })
                        .thenCompose(v -> r.connect()));
            }
            start.countDown();
            CompletableFuture.allOf(attempts.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);

            // Exactly one stays connected; the other was taken over (0x8E) or never answered with success.
            await().atMost(Duration.ofSeconds(15)).until(() -> a.connected() ^ b.connected());
            Racer holder = a.connected() ? a : b;
            Racer other = holder == a ? b : a;
            assertThat(other.connected()).as("round %d: one holder", round).isFalse();
            if (other.disconnectedWith.get() != null) {
                assertThat(other.disconnectedWith.get()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
            }
            // It stays one: no late claim of the race closes the holder.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(holder::connected);

            // One session state: the latest record (what compaction keeps) is the holder's, connected, and both
            // nodes deliver to that one session only.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode latest = CrossNodeTakeoverIT.latestSession(cluster, clientId);
                return latest != null
                        && holder.nodeId.equals(latest.path("owner").asText())
                        && latest.path("disconnectedAtMillis").asLong() == 0;
            });
            holder.client
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send()
                    .get(10, TimeUnit.SECONDS);
            publisher
                    .publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(message.getBytes(StandardCharsets.UTF_8))
                    .send();
            await().atMost(Duration.ofSeconds(10)).until(() -> holder.got.contains(message));
            assertThat(holder.got).containsExactly(message);
            assertThat(other.got).isEmpty();
            assertThat(other.connected()).isFalse();
            holder.client.disconnect().get(10, TimeUnit.SECONDS);
        }
        publisher.disconnect();
    }
}
