/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT over WebSocket (MQTT 5.0 section 6) and over WebSocket over TLS: real clients (HiveMQ MQTT client) round
 * trip through ws:// and wss://; a hand-written Netty WebSocket client shows that frame boundaries mean nothing
 * to MQTT (a CONNECT split across two frames, two packets in one frame); upgrades that must not happen are
 * refused with the HTTP status that says why (a wrong path, no mqtt subprotocol, a page of another Origin).
 */
class WebSocketListenerIT {

    static final TestCertificates CA = TestCertificates.authority("ws-test-ca");
    static final TestCertificates.Issued SERVER = CA.server("ws-broker");
    static final String DASHBOARD = "https://dashboard.example.com";

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(
            WS_ENABLED_CONFIG, "true",
            WS_PORT_CONFIG, "0",
            WSS_ENABLED_CONFIG, "true",
            WSS_PORT_CONFIG, "0",
            TLS_CERT_FILE_CONFIG, SERVER.certPem(),
            TLS_KEY_FILE_CONFIG, SERVER.keyPem()));

    static BrokerNode node;

    @BeforeAll
    static void start() {
        node = broker.node();
    }

    @Test
    void anMqtt5ClientRoundTripsOverWebSocket() throws Exception {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("ws-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(node.listenerPort("ws"))
                .webSocketConfig()
                .serverPath("mqtt")
                .applyWebSocketConfig()
                .buildBlocking();
        client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith()
                    .topicFilter("ws/echo")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            client.publishWith()
                    .topic("ws/echo")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("over-websocket".getBytes(StandardCharsets.UTF_8))
                    .send();
            Optional<Mqtt5Publish> got = received.receive(20, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("over-websocket");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void anMqtt311ClientRoundTripsOverWebSocketOverTls() throws Exception {
        Mqtt3BlockingClient client = MqttClient.builder()
                .useMqttVersion3()
                .identifier("wss-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(node.listenerPort("wss"))
                .sslConfig()
                .trustManagerFactory(CA.trustManagers())
                .applySslConfig()
                .webSocketConfig()
                .serverPath("mqtt")
                .applyWebSocketConfig()
                .buildBlocking();
        client.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes received = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith()
                    .topicFilter("wss/echo")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            client.publishWith()
                    .topic("wss/echo")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("over-wss".getBytes(StandardCharsets.UTF_8))
                    .send();
            Optional<Mqtt3Publish> got = received.receive(20, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("over-wss");
        } finally {
            client.disconnect();
        }
        assertThat(node.mqttListeners())
                .contains(
                        "ws://127.0.0.1:" + node.listenerPort("ws") + "/mqtt",
                        "wss://127.0.0.1:" + node.listenerPort("wss") + "/mqtt");
    }

    @Test
    void frameBoundariesMeanNothingAPacketSplitAcrossFramesAndTwoPacketsInOneFrame() throws Exception {
        byte[] connect = RawPackets.encode(
                MqttVersion.MQTT_3_1_1,
                RawPackets.connect(MqttVersion.MQTT_3_1_1, "ws-frames", true, 30)
                        .build());
        byte[] subscribeAndPing = RawPackets.encode(
                MqttVersion.MQTT_3_1_1,
                MqttMessageBuilders.subscribe()
                        .messageId(7)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, "ws/frames")
                        .build(),
                io.netty.handler.codec.mqtt.MqttMessage.PINGREQ);
        try (WebSocketTestClient ws = WebSocketTestClient.connect(node.listenerPort("ws"), "/mqtt", "mqtt")) {
            // [MQTT-6.0.0-2]: a packet may span frames.
            int half = connect.length / 2;
            ws.sendBinary(Arrays.copyOfRange(connect, 0, half));
            ws.sendBinary(Arrays.copyOfRange(connect, half, connect.length));
            assertThat(ws.nextType()).isEqualTo(MqttMessageType.CONNACK);
            // [MQTT-6.0.0-3]: a frame may hold several packets.
            ws.sendBinary(subscribeAndPing);
            // Both are answered (PINGRESP may overtake SUBACK, which waits for the subscription to be set up).
            assertThat(Arrays.asList(ws.nextType(), ws.nextType()))
                    .containsExactlyInAnyOrder(MqttMessageType.SUBACK, MqttMessageType.PINGRESP);
        }
    }

    @Test
    void aTextFrameClosesTheConnection() throws Exception {
        try (WebSocketTestClient ws = WebSocketTestClient.connect(node.listenerPort("ws"), "/mqtt", "mqtt")) {
            ws.sendText("CONNECT please");
            assertThat(ws.closed().get(10, TimeUnit.SECONDS)).isTrue(); // [MQTT-6.0.0-1]
        }
    }

    @Test
    void anUpgradeWithoutTheMqttSubprotocolOrToAnotherPathIsRefused() throws Exception {
        assertThat(upgradeStatus("/mqtt", "chat")).startsWith("HTTP/1.1 400");
        assertThat(upgradeStatus("/elsewhere", "mqtt")).startsWith("HTTP/1.1 404");
        assertThat(upgradeStatus("/mqtt", "mqttv3.1")).startsWith("HTTP/1.1 101"); // older clients' name
        assertThat(upgradeStatus("/mqtt?token=abc", "mqtt")).startsWith("HTTP/1.1 101"); // a query is no other path
    }

    @Test
    void aBrowserPageOfAnOriginNotInTheAllowedOriginsIsRefused() throws Exception {
        // A node of its own: the test clients' WebSocket handshakes send an Origin of their own.
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.put(WS_ENABLED_CONFIG, "true");
        settings.put(WS_PORT_CONFIG, "0");
        settings.put(WS_ALLOWED_ORIGINS_CONFIG, DASHBOARD);
        BrokerNode dashboardOnly = broker.startNode(settings);
        int port = dashboardOnly.listenerPort("ws");
        // mqtt.ws.allowed.origins names the dashboard: its pages get in, another site's pages get 403.
        assertThat(upgradeStatus(port, "/mqtt", "mqtt", DASHBOARD)).startsWith("HTTP/1.1 101");
        assertThat(upgradeStatus(port, "/mqtt", "mqtt", "https://evil.example.com"))
                .startsWith("HTTP/1.1 403");
        // A client that is no browser sends no Origin, and is let in.
        assertThat(upgradeStatus(port, "/mqtt", "mqtt", null)).startsWith("HTTP/1.1 101");
        // The node that leaves the setting empty lets every origin in.
        assertThat(upgradeStatus(node.listenerPort("ws"), "/mqtt", "mqtt", "https://evil.example.com"))
                .startsWith("HTTP/1.1 101");
    }

    /** The status line of a hand-written WebSocket upgrade request. */
    static String upgradeStatus(String path, String subprotocol) throws Exception {
        return upgradeStatus(node.listenerPort("ws"), path, subprotocol, null);
    }

    /** The status line of a hand-written WebSocket upgrade request, from a page of {@code origin} (null: none). */
    static String upgradeStatus(int port, String path, String subprotocol, @Nullable String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + (origin == null ? "" : "Origin: " + origin + "\r\n")
                            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
