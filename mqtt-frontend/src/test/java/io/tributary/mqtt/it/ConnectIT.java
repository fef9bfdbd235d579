/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.RawPackets.READ_TIMEOUT;
import static io.tributary.mqtt.it.RawPackets.connAck;
import static io.tributary.mqtt.it.RawPackets.connect;
import static io.tributary.mqtt.it.RawPackets.connected;
import static io.tributary.mqtt.it.RawPackets.disconnectReason;
import static io.tributary.mqtt.it.RawPackets.nextType;
import static io.tributary.mqtt.it.RawPackets.sessionExpiry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttClientIdentifier;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CONNECT handshake: versions, client identifiers, session present, keep alive, timeouts, takeover. */
class ConnectIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    // ---- protocol version ------------------------------------------------------------------------------

    @Test
    void unsupportedProtocolLevelIsRefusedWithReturnCode1ThenClosed() throws Exception {
        // [MQTT-3.1.2-2]: a protocol level the server does not support gets return code 0x01, then close.
        byte[] level6 = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 60, 0, 1, 'a'};
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            MqttConnAckMessage ack = connAck(client.sendBytes(level6));
            assertThat(ack.variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void mqtt31ClientIsAccepted() throws Exception {
        MqttClient paho = new MqttClient(TestBroker.uri(broker.node()), "mqtt31-client", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        options.setCleanSession(true);
        paho.connect(options);
        try {
            List<String> got = new CopyOnWriteArrayList<>();
            paho.subscribe("v31/t", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            paho.publish("v31/t", "hello 3.1".getBytes(StandardCharsets.UTF_8), 1, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> got.contains("hello 3.1"));
        } finally {
            paho.disconnect();
            paho.close();
        }
    }

    // ---- client identifier -----------------------------------------------------------------------------

    @Test
    void emptyClientIdWithCleanSessionIsAccepted() throws Exception {
        // [MQTT-3.1.3-6]: a zero-byte client id is accepted with CleanSession 1, the server assigns one.
        try (RawMqttClient client =
                connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, connect(MqttVersion.MQTT_3_1_1, "", true, 60))) {
            client.send(pingReq());
            assertThat(nextType(client, READ_TIMEOUT)).isEqualTo(MqttMessageType.PINGRESP);
        }
    }

    @Test
    void emptyClientIdWithPersistentSessionIsRefusedWithReturnCode2ThenClosed() throws Exception {
        // [MQTT-3.1.3-8]: zero-byte client id and CleanSession 0: CONNACK 0x02, then close.
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            MqttConnAckMessage ack = connAck(
                    client.send(connect(MqttVersion.MQTT_3_1_1, "", false, 60).build()));
            assertThat(ack.variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void emptyClientIdInMqtt5GetsAnAssignedClientIdentifier() {
        // [MQTT-3.2.2-16]: the server answers a zero-length client id with an Assigned Client Identifier.
        Mqtt5BlockingClient client = Mqtt5Client.builder()
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        try {
            assertThat(ack.getAssignedClientIdentifier()).isPresent();
            assertThat(ack.getAssignedClientIdentifier()
                            .map(MqttClientIdentifier::toString)
                            .orElseThrow())
                    .isNotEmpty();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void unsupportedAuthenticationMethodIsRefusedThenClosed() throws Exception {
        // [MQTT-4.12.0-1]: an Authentication Method the server does not support: CONNACK 0x8C, then close.
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "SCRAM-SHA-256"));
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            MqttConnAckMessage ack = connAck(client.send(connect(MqttVersion.MQTT_5, "auth-method", true, 60)
                    .properties(props)
                    .build()));
            assertThat(ack.variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    // ---- will fields ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void willQos3IsMalformed(MqttVersion version) throws Exception {
        // [MQTT-3.1.2-14] (MQTT 5: [MQTT-3.1.2-12]): Will QoS must not be 3. Flags: will, QoS 3, clean start.
        assertConnectMalformed(version, connectBytes(version, 0x1E, 'w', 0, 3, 'w', '/', 't', 0, 1, 'x'));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void willQosWithoutAWillIsMalformed(MqttVersion version) throws Exception {
        // [MQTT-3.1.2-13] (MQTT 5: [MQTT-3.1.2-11]): with Will Flag 0, Will QoS must be 0. Flags: QoS 1, clean.
        assertConnectMalformed(version, connectBytes(version, 0x0A, 'w'));
    }

    /** MQTT 3.1.1 is closed without CONNACK; MQTT 5 gets CONNACK 0x81 (Malformed Packet) first. */
    private static void assertConnectMalformed(MqttVersion version, byte[] connect) throws Exception {
        long errorsBefore = broker.node().metrics().protocolErrors.get();
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), version)) {
            client.sendBytes(connect);
            if (version == MqttVersion.MQTT_5) {
                assertThat(connAck(client).variableHeader().connectReturnCode())
                        .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET);
            } else {
                assertThat(client.read(READ_TIMEOUT))
                        .as("no CONNACK in MQTT 3.1.1")
                        .isNull();
            }
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
        assertThat(broker.node().metrics().protocolErrors.get()).isEqualTo(errorsBefore + 1);
    }

    /**
     * CONNECT bytes: protocol name and level of {@code version}, the given flags, keep alive 60, empty
     * properties for MQTT 5, a one-character client id, then {@code rest} (will fields, if any; MQTT 5 gets
     * empty will properties before them).
     */
    private static byte[] connectBytes(MqttVersion version, int flags, int clientIdChar, int... rest) {
        boolean v5 = version == MqttVersion.MQTT_5;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', version.protocolLevel(), (byte) flags, 0, 60});
        if (v5) {
            body.write(0);
        }
        body.writeBytes(new byte[] {0, 1, (byte) clientIdChar});
        if (v5 && rest.length > 0) {
            body.write(0);
        }
        for (int b : rest) {
            body.write(b);
        }
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(body.size());
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }

    // ---- session present -------------------------------------------------------------------------------

    @Test
    void sessionPresentIsFalseOnFirstPersistentConnectAndTrueOnTheNextMqtt311() throws Exception {
        // [MQTT-3.2.2-2], [MQTT-3.2.2-3]
        assertThat(persistentConnects(MqttVersion.MQTT_3_1_1, "present-311")).containsExactly(false, true);
    }

    @Test
    void sessionPresentIsFalseOnFirstPersistentConnectAndTrueOnTheNextMqtt5() throws Exception {
        // [MQTT-3.2.2-2], [MQTT-3.2.2-3] (MQTT 5 numbering: the session is kept for its Session Expiry Interval)
        assertThat(persistentConnects(MqttVersion.MQTT_5, "present-5")).containsExactly(false, true);
    }

    @Test
    void sessionPresentIsFalseWhenCleanStartDiscardsAStoredSession() throws Exception {
        // [MQTT-3.2.2-1]: CleanSession 1 means session present 0, even when a session was stored.
        persistentConnects(MqttVersion.MQTT_3_1_1, "present-clean");
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            MqttConnAckMessage ack = connAck(client.send(
                    connect(MqttVersion.MQTT_3_1_1, "present-clean", true, 60).build()));
            assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
        }
    }

    /** Connects twice without clean start, disconnecting in between; the session-present flags seen. */
    private static List<Boolean> persistentConnects(MqttVersion version, String clientId) throws Exception {
        List<Boolean> present = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 2; i++) {
            var connect = connect(version, clientId, false, 60);
            if (version == MqttVersion.MQTT_5) {
                connect.properties(sessionExpiry(300));
            }
            try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), version)) {
                MqttConnAckMessage ack = connAck(client.send(connect.build()));
                assertThat(ack.variableHeader().connectReturnCode())
                        .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
                present.add(ack.variableHeader().isSessionPresent());
                client.send(RawPackets.disconnect(ReasonCodes.SUCCESS));
                assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
            }
        }
        return present;
    }

    // ---- keep alive ------------------------------------------------------------------------------------

    @Test
    void silentClientIsDisconnectedAfterOneAndAHalfKeepAlivePeriods() throws Exception {
        // [MQTT-3.1.2-24]: no packet within 1.5 x Keep Alive (1 s) -> the server closes the connection.
        try (RawMqttClient client = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_3_1_1,
                connect(MqttVersion.MQTT_3_1_1, "keepalive-silent", true, 1))) {
            long start = System.nanoTime();
            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).isBetween(1_300L, 2_500L);
        }
    }

    @Test
    void silentMqtt5ClientIsToldKeepAliveTimeout() throws Exception {
        // [MQTT-3.1.2-22] (MQTT 5 numbering): MQTT 5 hears why, DISCONNECT 0x8D (Keep Alive timeout), then close.
        try (RawMqttClient client = connected(
                broker.mqttPort(), MqttVersion.MQTT_5, connect(MqttVersion.MQTT_5, "keepalive-silent-5", true, 1))) {
            assertThat(disconnectReason(client)).isEqualTo(ReasonCodes.KEEP_ALIVE_TIMEOUT);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void clientPingingWithinKeepAliveStaysConnected() throws Exception {
        try (RawMqttClient client = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_3_1_1,
                connect(MqttVersion.MQTT_3_1_1, "keepalive-ping", true, 1))) {
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int pongs = 0;
            while (System.nanoTime() < end) {
                client.send(pingReq());
                assertThat(nextType(client, READ_TIMEOUT)).isEqualTo(MqttMessageType.PINGRESP);
                pongs++;
                // Nothing else may arrive (in particular no close) until the next ping is due.
                assertThat(client.read(Duration.ofMillis(500))).isNull();
            }
            assertThat(pongs).isGreaterThanOrEqualTo(5);
            client.send(pingReq());
            assertThat(nextType(client, READ_TIMEOUT)).isEqualTo(MqttMessageType.PINGRESP);
        }
    }

    private static MqttMessage pingReq() {
        return MqttMessage.PINGREQ;
    }

    // ---- CONNECT ordering ------------------------------------------------------------------------------

    @Test
    void secondConnectClosesTheConnectionMqtt311() throws Exception {
        // [MQTT-3.1.0-2]: a second CONNECT is a protocol violation; the server disconnects.
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "second-connect-311")) {
            client.send(connect(MqttVersion.MQTT_3_1_1, "second-connect-311", true, 60)
                    .build());
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void secondConnectGetsDisconnectProtocolErrorMqtt5() throws Exception {
        // [MQTT-3.1.0-2]: MQTT 5 names the reason, DISCONNECT 0x82 (Protocol Error), before closing.
        try (RawMqttClient client = connected(
                broker.mqttPort(), MqttVersion.MQTT_5, connect(MqttVersion.MQTT_5, "second-connect-5", true, 60))) {
            client.send(
                    connect(MqttVersion.MQTT_5, "second-connect-5", true, 60).build());
            assertThat(disconnectReason(client)).isEqualTo(ReasonCodes.PROTOCOL_ERROR);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void firstPacketOtherThanConnectClosesTheConnection() throws Exception {
        // [MQTT-3.1.0-1]: the first packet from the client must be CONNECT.
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            client.sendBytes((byte) 0xC0, (byte) 0x00); // PINGREQ
            assertThat(client.read(READ_TIMEOUT))
                    .as("no PINGRESP before CONNECT")
                    .isNull();
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void packetsSentRightBehindConnectAreProcessedOnceConnected() throws Exception {
        // Clients need not wait for CONNACK (MQTT 3.1.1 section 3.1.4): CONNECT and SUBSCRIBE in one write.
        byte[] bytes = RawPackets.encode(
                MqttVersion.MQTT_3_1_1,
                connect(MqttVersion.MQTT_3_1_1, "pipelined", true, 60).build(),
                MqttMessageBuilders.subscribe()
                        .messageId(7)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, "pipe/#")
                        .build(),
                pingReq());
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            client.sendBytes(bytes);
            assertThat(connAck(client).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            // SUBACK waits for the subscription to be stored, so PINGRESP may overtake it.
            assertThat(List.of(nextType(client, READ_TIMEOUT), nextType(client, READ_TIMEOUT)))
                    .containsExactlyInAnyOrder(MqttMessageType.SUBACK, MqttMessageType.PINGRESP);
        }
    }

    @Test
    void connectionThatSendsNothingIsClosedAfterTheConnectTimeout() throws Exception {
        BrokerNode quick = TestBroker.start(
                broker.kafka(),
                TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.CONNECT_TIMEOUT_CONFIG, 500));
        try (RawMqttClient client = new RawMqttClient(quick.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            long start = System.nanoTime();
            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).isBetween(400L, 2_000L);
        } finally {
            quick.close();
        }
    }

    // ---- session takeover ------------------------------------------------------------------------------

    @Test
    void secondConnectionWithTheSameClientIdClosesTheFirstMqtt311() throws Exception {
        // [MQTT-3.1.4-2]: the server disconnects the existing client with the same client id.
        try (RawMqttClient first = connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "takeover-311");
                RawMqttClient second = connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "takeover-311")) {
            assertThat(first.awaitClosed(READ_TIMEOUT)).isTrue();
            second.send(pingReq());
            assertThat(nextType(second, READ_TIMEOUT)).isEqualTo(MqttMessageType.PINGRESP);
        }
    }

    @Test
    void secondConnectionWithTheSameClientIdSendsSessionTakenOverToTheFirstMqtt5() throws Exception {
        // [MQTT-3.1.4-3]: the existing MQTT 5 client gets DISCONNECT 0x8E (Session taken over), then close.
        try (RawMqttClient first = connected(
                        broker.mqttPort(), MqttVersion.MQTT_5, connect(MqttVersion.MQTT_5, "takeover-5", true, 60));
                RawMqttClient second = connected(
                        broker.mqttPort(), MqttVersion.MQTT_5, connect(MqttVersion.MQTT_5, "takeover-5", true, 60))) {
            assertThat(disconnectReason(first)).isEqualTo(ReasonCodes.SESSION_TAKEN_OVER);
            assertThat(first.awaitClosed(READ_TIMEOUT)).isTrue();
            second.send(pingReq());
            assertThat(nextType(second, READ_TIMEOUT)).isEqualTo(MqttMessageType.PINGRESP);
        }
    }
}
