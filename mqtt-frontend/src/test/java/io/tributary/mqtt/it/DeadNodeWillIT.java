/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.kafka.TransactionalWriter;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node killed without warning: the wills of its clients are published by a surviving node once the dead
 * node's liveness times out [MQTT-3.1.2-8], each once, after its will delay [MQTT-3.1.3-9]; not the will of a
 * client that came back within the delay to another node than the one holding the will, nor of one that had
 * sent DISCONNECT 0x00 [MQTT-3.1.2-10].
 */
class DeadNodeWillIT {

    private static final Logger LOG = LoggerFactory.getLogger(DeadNodeWillIT.class);
    /** The Kafka brokers' smallest group session timeout by default. */
    private static final int LIVENESS_TIMEOUT_MS = 6000;

    private static final int TAKEOVER_TIMEOUT_MS = 1500;
    private static final long WILL_DELAY_SECONDS = 5;

    @RegisterExtension
    static final BrokerExtension cluster = BrokerExtension.withNodes(
            3,
            Map.of(
                    BrokerConfig.SESSION_TAKEOVER_TIMEOUT_CONFIG,
                    TAKEOVER_TIMEOUT_MS,
                    BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG,
                    LIVENESS_TIMEOUT_MS));
    /** Every will topic's deliveries to a subscriber on the surviving node, in arrival order. */
    static final Map<String, List<String>> seen = new ConcurrentHashMap<>();

    /** An MQTT 5 client with a will to {@code dw/<id>}: QoS 1, retained, the given delay and session expiry. */
    static Mqtt5BlockingClient v5WithWill(BrokerNode node, String id, long willDelay, long sessionExpiry) {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        c.connectWith()
                .cleanStart(true)
                .sessionExpiryInterval(sessionExpiry)
                .willPublish()
                .topic("dw/" + id)
                .payload(("gone:" + id).getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .delayInterval(willDelay)
                .userProperties()
                .add("why", "node died")
                .applyUserProperties()
                .applyWillPublish()
                .send();
        return c;
    }

    static List<String> got(String id) {
        return seen.getOrDefault("dw/" + id, List.of());
    }

    /** The latest committed record of the client's session, or null (none, or a tombstone). */
    static JsonNode latest(String clientId) throws Exception {
        byte[] value = stored(
                cluster.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString(), clientId);
        return value == null ? null : new com.fasterxml.jackson.databind.ObjectMapper().readTree(value);
    }

    @Test
    void willsOfADeadNodesClientsArePublishedOnceByTheSurvivor() throws Exception {
        Mqtt5BlockingClient watcher = MqttClient.builder()
                .useMqttVersion5()
                .identifier("dw-watcher")
                .serverHost("127.0.0.1")
                .serverPort(cluster.node(1).mqttPort())
                .buildBlocking();
        watcher.toAsync()
                .publishes(
                        MqttGlobalPublishFilter.ALL,
                        p -> seen.computeIfAbsent(p.getTopic().toString(), t -> new CopyOnWriteArrayList<>())
                                .add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)
                                        + p.getUserProperties().asList().stream()
                                                .map(u -> "|" + u.getName() + "=" + u.getValue())
                                                .reduce("", String::concat)));
        watcher.connect();
        watcher.subscribeWith().topicFilter("dw/#").qos(MqttQos.AT_LEAST_ONCE).send();

        BrokerNode doomed = cluster.node(0);
        // MQTT 5, persistent session, will without delay.
        Mqtt5BlockingClient v5 = v5WithWill(doomed, "dw-v5", 0, 600);
        // MQTT 3.1.1, clean session (no session to keep): its will is stored all the same.
        org.eclipse.paho.client.mqttv3.MqttClient v3 =
                new org.eclipse.paho.client.mqttv3.MqttClient(TestBroker.uri(doomed), "dw-v3", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setWill("dw/dw-v3", "gone:dw-v3".getBytes(StandardCharsets.UTF_8), 1, false);
        v3.connect(o);
        // A will delay: published that long after the survivor took the session over [MQTT-3.1.3-9] ...
        Mqtt5BlockingClient delayed = v5WithWill(doomed, "dw-delayed", WILL_DELAY_SECONDS, 600);
        // ... but not if the client is back within it, on another node.
        Mqtt5BlockingClient returning = v5WithWill(doomed, "dw-returning", WILL_DELAY_SECONDS, 600);
        // Back on another node before the death is noticed: the will without delay is published when that
        // node resumes the session without a hand-over, as on a take-over [MQTT-3.1.4-3]; and only then.
        Mqtt5BlockingClient hasty = v5WithWill(doomed, "dw-hasty", 0, 600);
        // A normal DISCONNECT deletes the will [MQTT-3.1.2-10], also from the stored session.
        Mqtt5BlockingClient polite = v5WithWill(doomed, "dw-polite", 0, 600);
        polite.disconnect();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> hasWill("dw-v5")
                        && hasWill("dw-v3")
                        && hasWill("dw-delayed")
                        && hasWill("dw-returning")
                        && hasWill("dw-hasty")
                        && latest("dw-polite") != null
                        && latest("dw-polite").path("disconnectedAtMillis").asLong() != 0);
        assertThat(latest("dw-polite").has("will")).isFalse();

        long t0 = System.nanoTime();
        doomed.crash();
        // A zombie of the dead node: a process that still holds its transactional id (paused, say, not dead).
        TransactionalWriter zombie = zombieOf("node-0");
        Mqtt5BlockingClient hastyBack = MqttClient.builder()
                .useMqttVersion5()
                .identifier("dw-hasty")
                .serverHost("127.0.0.1")
                .serverPort(cluster.node(1).mqttPort())
                .buildBlocking();
        assertThat(hastyBack
                        .connectWith()
                        .cleanStart(false)
                        .sessionExpiryInterval(600)
                        .send()
                        .isSessionPresent())
                .isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> got("dw-hasty").size() == 1);
        assertThat(latest("dw-hasty").has("will"))
                .as("the new connection has no will")
                .isFalse();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> got("dw-v5").size() == 1 && got("dw-v3").size() == 1);
        LOG.info(
                "Wills of crashed node 0 published by a survivor {} ms after the crash (liveness timeout {} ms)",
                (System.nanoTime() - t0) / 1_000_000,
                LIVENESS_TIMEOUT_MS);
        assertThat(got("dw-v5")).containsExactly("gone:dw-v5|why=node died"); // MQTT 5 properties kept
        // The survivor fenced the dead node's transactional id before taking its sessions: the zombie commits nothing.
        try {
            String sessionsTopic =
                    cluster.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString();
            assertThat(zombie.write(List.of(new ProducerRecord<>(
                            sessionsTopic,
                            "dw-zombie".getBytes(StandardCharsets.UTF_8),
                            "{}".getBytes(StandardCharsets.UTF_8)))))
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .satisfies(e -> assertThat(e.getCause())
                            .isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class));
        } finally {
            zombie.crash();
        }
        assertThat(got("dw-v3")).containsExactly("gone:dw-v3");

        // A survivor owns the returning client's session now, its will pending there: the client reconnects
        // within the delay to the other survivor, which cancels it through the sessions topic.
        String owner = latest("dw-returning").path("owner").asText();
        assertThat(owner).isIn("node-1", "node-2");
        BrokerNode other = cluster.node(owner.equals("node-1") ? 2 : 1);
        Mqtt5BlockingClient back = MqttClient.builder()
                .useMqttVersion5()
                .identifier("dw-returning")
                .serverHost("127.0.0.1")
                .serverPort(other.mqttPort())
                .buildBlocking();
        Mqtt5ConnAck ack =
                back.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
        assertThat(ack.isSessionPresent()).isTrue();

        // The delayed will comes after its delay; the returning client's, taken over at the same moment, never.
        await().atMost(Duration.ofSeconds(WILL_DELAY_SECONDS + 10))
                .until(() -> got("dw-delayed").size() == 1);
        LOG.info(
                "Delayed will published {} ms after the crash (delay {} s)",
                (System.nanoTime() - t0) / 1_000_000,
                WILL_DELAY_SECONDS);
        // Exactly once: the records no longer hold the wills, and nothing more arrives.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !hasWill("dw-v5") && latest("dw-v3") == null && !hasWill("dw-delayed"));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> got("dw-v5").size() == 1
                        && got("dw-v3").size() == 1
                        && got("dw-delayed").size() == 1
                        && got("dw-returning").isEmpty()
                        && got("dw-hasty").size() == 1
                        && got("dw-polite").isEmpty());

        // The retained will is there for a subscriber that comes later.
        Mqtt5BlockingClient late = MqttClient.builder()
                .useMqttVersion5()
                .identifier("dw-late")
                .serverHost("127.0.0.1")
                .serverPort(cluster.node(1).mqttPort())
                .buildBlocking();
        List<String> retained = new CopyOnWriteArrayList<>();
        late.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> {
            if (p.isRetain()) {
                retained.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
        });
        late.connect();
        late.subscribeWith().topicFilter("dw/dw-v5").qos(MqttQos.AT_LEAST_ONCE).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> retained.contains("gone:dw-v5"));

        back.disconnect();
        hastyBack.disconnect();
        late.disconnect();
        watcher.disconnect();
        assertThat(v5.getState().isConnected()
                        || delayed.getState().isConnected()
                        || returning.getState().isConnected()
                        || hasty.getState().isConnected()
                        || v3.isConnected())
                .isFalse();
        v3.close();
    }

    /**
     * A node that crashed and comes back under the same node id before its death is noticed: no other node takes
     * its sessions over (it is alive), so it publishes the wills of the connections it held itself, once.
     */
    @Test
    void aNodeRestartedAfterACrashPublishesTheWillsOfItsOldConnections() throws Exception {
        Map<String, Object> settings = TestBroker.with(
                TestBroker.with(
                        TestBroker.isolatedSettings(), BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG, LIVENESS_TIMEOUT_MS),
                BrokerConfig.NODE_ID_CONFIG,
                "phoenix");
        String sessionsTopic = settings.get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString();
        String messagesTopic = settings.get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();
        BrokerNode first = TestBroker.start(cluster.kafka(), settings);
        BrokerNode second = null;
        try {
            Mqtt5BlockingClient client = v5WithWill(first, "dw-phoenix", 0, 0); // no session to keep, only a will
            await().atMost(Duration.ofSeconds(15)).until(() -> stored(sessionsTopic, "dw-phoenix") != null);
            first.crash();
            second = TestBroker.start(cluster.kafka(), settings);
            // Published once (retained: a subscriber that comes later still gets it), and the session is over.
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> willRecords(messagesTopic, "dw/dw-phoenix") == 1
                            && stored(sessionsTopic, "dw-phoenix") == null);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> willRecords(messagesTopic, "dw/dw-phoenix") == 1);
            assertThat(client.getState().isConnected()).isFalse();
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    /** A transactional writer under the transactional id of node {@code nodeId} of the cluster. */
    static TransactionalWriter zombieOf(String nodeId) {
        BrokerConfig config =
                new BrokerConfig(TestBroker.with(cluster.settings(), BrokerConfig.NODE_ID_CONFIG, nodeId));
        Map<String, Object> props =
                KafkaClientSettings.producer(config, KafkaClientSettings.common(config, cluster.bootstrapServers()));
        return TransactionalWriter.start(props, TransactionalWriter.transactionalId(config), 60_000, 0, 100, 10_000);
    }

    /**
     * The latest value stored for a client id in a sessions topic, or null (none, or a tombstone): committed records
     * only, as every node reads them (a node killed in a transaction leaves records that are aborted).
     */
    static byte[] stored(String sessionsTopic, String clientId) {
        byte[] latest = null;
        for (var r : cluster.kafka().readCommitted(sessionsTopic)) {
            if (clientId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                latest = r.value();
            }
        }
        return latest;
    }

    /** How many committed records (what subscribers read) the messages topic holds for an MQTT topic (its key). */
    static long willRecords(String messagesTopic, String mqttTopic) {
        return cluster.kafka().readCommitted(messagesTopic).stream()
                .filter(r -> r.key() != null && mqttTopic.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .count();
    }

    static boolean hasWill(String clientId) throws Exception {
        JsonNode s = latest(clientId);
        return s != null && s.has("will") && !s.get("will").isNull();
    }
}
