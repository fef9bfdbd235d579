/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.RawPackets.READ_TIMEOUT;
import static io.tributary.mqtt.it.RawPackets.connect;
import static io.tributary.mqtt.it.RawPackets.connected;
import static io.tributary.mqtt.it.RawPackets.sessionExpiry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** When a client's will message is published, and what a subscriber receives of it. */
class WillIT {

    private static final Duration DELIVERY = Duration.ofSeconds(15);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();
    /** Every message on will/#, by topic, as a subscriber that was connected all along saw it. */
    static final Map<String, List<MqttMessage>> seen = new ConcurrentHashMap<>();

    static MqttClient watcher;

    @BeforeAll
    static void start() throws Exception {
        watcher = paho("will-watcher");
        watcher.subscribe(
                "will/#",
                1,
                (topic, m) -> seen.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>())
                        .add(m));
    }

    @AfterAll
    static void stop() throws Exception {
        if (watcher != null) {
            watcher.disconnect();
            watcher.close();
        }
    }

    static MqttClient paho(String clientId) throws Exception {
        MqttClient c = new MqttClient(TestBroker.uri(broker.node()), clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        c.connect(o);
        return c;
    }

    static List<String> payloads(String topic) {
        return seen.getOrDefault(topic, List.of()).stream()
                .map(m -> new String(m.getPayload(), StandardCharsets.UTF_8))
                .toList();
    }

    static MqttMessageBuilders.ConnectBuilder withWill(
            MqttVersion version, String clientId, String topic, int keepAlive) {
        return connect(version, clientId, true, keepAlive)
                .willFlag(true)
                .willTopic(topic)
                .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                .willQoS(MqttQoS.AT_LEAST_ONCE);
    }

    /** Publishes a marker after the fact: once it arrives, an earlier will would have arrived too. */
    static void awaitMarkerAfter(String topic) throws Exception {
        MqttClient marker = paho("marker-" + topic.replace('/', '-'));
        try {
            marker.publish(topic, "marker".getBytes(StandardCharsets.UTF_8), 1, false);
        } finally {
            marker.disconnect();
            marker.close();
        }
        await().atMost(DELIVERY).until(() -> payloads(topic).contains("marker"));
    }

    @Test
    void willIsPublishedWhenTheConnectionDropsWithoutDisconnect() throws Exception {
        // [MQTT-3.1.2-8]: the will is published when the network connection is closed without DISCONNECT.
        String topic = "will/dropped";
        RawMqttClient client = connected(
                broker.mqttPort(), MqttVersion.MQTT_3_1_1, withWill(MqttVersion.MQTT_3_1_1, "will-dropped", topic, 60));
        client.close();
        await().atMost(DELIVERY).until(() -> payloads(topic).contains("gone"));
    }

    @Test
    void willIsPublishedWhenKeepAliveExpires() throws Exception {
        // [MQTT-3.1.2-8], [MQTT-3.1.2-24]: a keep-alive timeout is a failure of the connection.
        String topic = "will/keepalive";
        try (RawMqttClient client = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_3_1_1,
                withWill(MqttVersion.MQTT_3_1_1, "will-keepalive", topic, 1))) {
            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
            await().atMost(DELIVERY).until(() -> payloads(topic).contains("gone"));
        }
    }

    @Test
    void willIsNotPublishedAfterDisconnect() throws Exception {
        // [MQTT-3.1.2-10]: DISCONNECT deletes the will.
        String topic = "will/disconnected";
        try (RawMqttClient client = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_3_1_1,
                withWill(MqttVersion.MQTT_3_1_1, "will-disconnected", topic, 60))) {
            client.send(RawPackets.disconnect(ReasonCodes.SUCCESS));
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
        awaitMarkerAfter(topic);
        assertThat(payloads(topic)).containsExactly("marker");
    }

    @Test
    void mqtt5DisconnectWithWillMessageReasonPublishesTheWill() throws Exception {
        // MQTT 5 DISCONNECT reason 0x04 (Disconnect with Will Message): close, and publish the will.
        String topic = "will/reason4";
        try (RawMqttClient client = connected(
                broker.mqttPort(), MqttVersion.MQTT_5, withWill(MqttVersion.MQTT_5, "will-reason4", topic, 60))) {
            client.send(RawPackets.disconnect((byte) 0x04));
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
        await().atMost(DELIVERY).until(() -> payloads(topic).contains("gone"));
    }

    @Test
    void mqtt5DisconnectWithAnErrorReasonKeepsTheWill() throws Exception {
        // [MQTT-3.1.2-10] (MQTT 5): only DISCONNECT 0x00 (Normal disconnection) deletes the will.
        String topic = "will/reason80";
        try (RawMqttClient client = connected(
                broker.mqttPort(), MqttVersion.MQTT_5, withWill(MqttVersion.MQTT_5, "will-reason80", topic, 60))) {
            client.send(RawPackets.disconnect(ReasonCodes.UNSPECIFIED_ERROR));
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
        await().atMost(DELIVERY).until(() -> payloads(topic).contains("gone"));
    }

    @Test
    void willMessageExpiryCountsFromPublicationNotFromConnect() throws Exception {
        // MQTT 5 section 3.1.3.2.4: the will's Message Expiry Interval is its lifetime once published. A client
        // connected for longer than that interval must still have its will delivered.
        String topic = "will/expiry";
        MqttProperties willProps = new MqttProperties();
        willProps.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, 2));
        RawMqttClient client = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                withWill(MqttVersion.MQTT_5, "will-expiry", topic, 60).willProperties(willProps));
        assertThat(client.read(Duration.ofMillis(2_500)))
                .as("connected beyond the will's lifetime")
                .isNull();
        client.close();
        await().atMost(DELIVERY).until(() -> payloads(topic).contains("gone"));
    }

    @Test
    void willDelayIntervalDelaysTheWill() throws Exception {
        // [MQTT-3.1.3-9]: the will is published after the Will Delay Interval (2 s here), not at the close.
        String topic = "will/delayed";
        RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, delayedWill("will-delayed", topic, 2));
        client.close();
        long closedAt = System.nanoTime();
        await().atMost(DELIVERY).until(() -> payloads(topic).contains("gone"));
        assertThat((System.nanoTime() - closedAt) / 1_000_000).isGreaterThanOrEqualTo(1_800L);
    }

    @Test
    void reconnectWithinTheWillDelayCancelsTheWill() throws Exception {
        // [MQTT-3.1.3-9]: a new connection to the session before the delay has passed: no will.
        String topic = "will/cancelled";
        long connections = broker.node().metrics().connections.get();
        RawMqttClient client =
                connected(broker.mqttPort(), MqttVersion.MQTT_5, delayedWill("will-cancelled", topic, 2));
        client.close();
        // Reconnect once the node has seen the drop: a reconnect racing the close can let the will through
        // (SessionRegistry.closed schedules the will after unregistering the session; reported).
        await().atMost(READ_TIMEOUT)
                .until(() -> broker.node().metrics().connections.get() == connections);
        try (RawMqttClient again = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, "will-cancelled", false, 60).properties(sessionExpiry(60)))) {
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> payloads(topic).isEmpty());
            again.send(RawPackets.disconnect(ReasonCodes.SUCCESS));
            assertThat(again.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    private static MqttMessageBuilders.ConnectBuilder delayedWill(String clientId, String topic, int delaySeconds) {
        MqttProperties willProps = new MqttProperties();
        willProps.add(new MqttProperties.IntegerProperty(MqttProperties.WILL_DELAY_INTERVAL, delaySeconds));
        // The session outlives the delay, else the will goes out when the session ends.
        return connect(MqttVersion.MQTT_5, clientId, false, 60)
                .properties(sessionExpiry(60))
                .willFlag(true)
                .willTopic(topic)
                .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                .willQoS(MqttQoS.AT_LEAST_ONCE)
                .willProperties(willProps);
    }

    @Test
    void willPropertiesReachAnMqtt5Subscriber() throws Exception {
        String topic = "will/properties";
        List<Mqtt5Publish> received = new CopyOnWriteArrayList<>();
        Mqtt5AsyncClient subscriber = Mqtt5Client.builder()
                .identifier("will-props-sub")
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildAsync();
        subscriber.connect().join();
        try {
            subscriber
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(received::add)
                    .send()
                    .join();
            MqttProperties willProps = new MqttProperties();
            willProps.add(new MqttProperties.UserProperty("reason", "crash"));
            willProps.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "text/plain"));
            RawMqttClient client = connected(
                    broker.mqttPort(),
                    MqttVersion.MQTT_5,
                    withWill(MqttVersion.MQTT_5, "will-props", topic, 60).willProperties(willProps));
            client.close();
            await().atMost(DELIVERY).until(() -> !received.isEmpty());
            Mqtt5Publish will = received.get(0);
            assertThat(new String(will.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("gone");
            assertThat(will.getContentType().map(Object::toString)).contains("text/plain");
            assertThat(will.getUserProperties().asList()).anySatisfy(p -> {
                assertThat(p.getName().toString()).isEqualTo("reason");
                assertThat(p.getValue().toString()).isEqualTo("crash");
            });
        } finally {
            subscriber.disconnect().join();
        }
    }

    @Test
    void willRetainFlagMakesTheWillARetainedMessage() throws Exception {
        // [MQTT-3.1.2-17]: Will Retain 1 publishes the will as a retained message.
        String topic = "will/retained";
        RawMqttClient client = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_3_1_1,
                withWill(MqttVersion.MQTT_3_1_1, "will-retained", topic, 60).willRetain(true));
        client.close();
        await().atMost(DELIVERY).until(() -> payloads(topic).contains("gone"));

        MqttClient late = paho("will-retained-late");
        try {
            List<MqttMessage> got = new CopyOnWriteArrayList<>();
            late.subscribe(topic, 1, (t, m) -> got.add(m));
            await().atMost(DELIVERY).until(() -> !got.isEmpty());
            assertThat(new String(got.get(0).getPayload(), StandardCharsets.UTF_8))
                    .isEqualTo("gone");
            assertThat(got.get(0).isRetained()).isTrue();
        } finally {
            late.disconnect();
            late.close();
        }
    }
}
