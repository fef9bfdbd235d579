/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.acl.Authorizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CONNECT in MQTT 3.1.1 and 5: packets in, CONNACK (or a close) back, the session record out. */
class ConnectScenariosTest {

    private static final MqttVersion V31 = MqttVersion.MQTT_3_1;

    private ProtocolHarness node = new ProtocolHarness();

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void v3CleanSessionIsAcceptedWithoutSessionPresent() {
        // [MQTT-3.2.2-1] clean session: session present 0; [MQTT-3.2.2-3] return code 0
        TestClient c = node.open(V3).send(connect(V3, "c1", true).build());
        MqttConnAckMessage ack = c.connAck();
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        assertThat(ack.variableHeader().isSessionPresent()).isFalse();
        assertThat(c.isOpen()).isTrue();
        // A clean session is recorded while it is connected, so that every node knows who holds the client id,
        // and not kept after it ends.
        var held = node.sessionLog.latest("c1");
        assertThat(held.owner()).isEqualTo(ProtocolHarness.NODE_ID);
        assertThat(held.disconnectedAtMillis()).isZero();
        assertThat(held.expiryIntervalSeconds()).isZero();
        c.send(ClientPackets.disconnect());
        assertThat(node.sessionLog.latest("c1")).isNull();
    }

    @Test
    void v5ConnAckAdvertisesTheNodesLimits() {
        TestClient c = node.open(V5).send(connect(V5, "c1", true).build());
        MqttConnAckMessage ack = c.connAck();
        MqttProperties p = ack.variableHeader().properties();
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        assertThat(p.getProperty(MqttProperties.RECEIVE_MAXIMUM).value()).isEqualTo(100);
        assertThat(p.getProperty(MqttProperties.MAXIMUM_PACKET_SIZE).value()).isEqualTo(1024 * 1024);
        assertThat(p.getProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM).value()).isEqualTo(10);
        assertThat(p.getProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER)).isNull();
    }

    @Test
    void v5EmptyClientIdGetsAnAssignedOne() {
        // [MQTT-3.1.3-6] [MQTT-3.2.2-16]: the server assigns an id and returns it in CONNACK
        TestClient c = node.open(V5).send(connect(V5, "", true).build());
        MqttConnAckMessage ack = c.connAck();
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        assertThat(ack.variableHeader()
                        .properties()
                        .getProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER)
                        .value())
                .isEqualTo("assigned-1");
    }

    @Test
    void v3EmptyClientIdWithCleanSessionIsAccepted() {
        // [MQTT-3.1.3-7]
        TestClient c = node.open(V3).send(connect(V3, "", true).build());
        assertThat(c.connAckCode()).isZero();
        c.send(ClientPackets.pingreq());
        c.expect(MqttMessageType.PINGRESP);
    }

    @Test
    void v3EmptyClientIdWithoutCleanSessionIsRejected() {
        // [MQTT-3.1.3-8]: return code 0x02 Identifier rejected, then the connection is closed
        TestClient c = node.open(V3).send(connect(V3, "", false).build());
        assertThat(c.connAckCode()).isEqualTo(0x02);
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void clientIdLongerThanTheLimitIsRejectedInBothVersions() {
        String tooLong = "x".repeat(65);
        TestClient v3 = node.open(V3).send(connect(V3, tooLong, true).build());
        assertThat(v3.connAckCode()).isEqualTo(0x02);
        assertThat(v3.isOpen()).isFalse();
        TestClient v5 = node.open(V5).send(connect(V5, tooLong, true).build());
        assertThat(v5.connAckCode()).isEqualTo(0x85); // Client Identifier not valid
        assertThat(v5.isOpen()).isFalse();
    }

    @Test
    void unsupportedProtocolLevelIsAnsweredWithReturnCode1() {
        // [MQTT-3.1.2-2]: level 6 is unknown: CONNACK 0x01 (3.1.1 form) and close
        TestClient c = node.open(V3).sendBytes(0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 0, 0, 1, 'a');
        assertThat(c.connAckCode()).isEqualTo(0x01);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.sessions.sessions()).isEmpty();
    }

    @Test
    void v5ReceiveMaximumZeroIsAProtocolError() {
        // MQTT 5 section 3.1.2.11.3: Receive Maximum 0 is a Protocol Error
        TestClient c = node.open(V5)
                .send(connect(V5, "c1", true)
                        .properties(props(intProp(MqttProperties.RECEIVE_MAXIMUM, 0)))
                        .build());
        assertThat(c.connAckCode()).isEqualTo(0x82);
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void willTopicWithWildcardIsRefused() {
        // [MQTT-3.1.2-9] the will topic must be a valid topic name: MQTT 5 CONNACK 0x90, MQTT 3.1.1 closed.
        // Written byte by byte: Netty's encoder refuses to write such a CONNECT.
        TestClient v5 = node.open(V5)
                .sendBytes(
                        0x10, 24, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x06, 0, 0, 0, 0, 2, 'c', '5', 0, 0, 3, 'a', '/', '+', 0,
                        1, 'x');
        assertThat(v5.connAckCode()).isEqualTo(0x90);
        assertThat(v5.isOpen()).isFalse();
        TestClient v3 = node.open(V3)
                .sendBytes(
                        0x10, 22, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x06, 0, 0, 0, 2, 'c', '3', 0, 3, 'a', '/', '#', 0, 1,
                        'x');
        v3.expectNothing();
        assertThat(v3.isOpen()).isFalse();
        assertThat(node.sessions.sessions()).isEmpty();
    }

    @Test
    void willTheAclDeniesIsRefusedAtConnect() {
        ProtocolHarness.Options denyAll = new ProtocolHarness.Options();
        denyAll.authorizer = new Authorizer(false); // no rule matches: denied
        node.close();
        node = new ProtocolHarness(denyAll);
        TestClient v5 = node.open(V5)
                .send(connect(V5, "c5", true)
                        .willFlag(true)
                        .willTopic("status/c5")
                        .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                        .build());
        assertThat(v5.connAckCode()).isEqualTo(0x87); // Not authorized
        TestClient v3 = node.open(V3)
                .send(connect(V3, "c3", true)
                        .willFlag(true)
                        .willTopic("status/c3")
                        .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                        .build());
        assertThat(v3.connAckCode()).isEqualTo(0x05);
        assertThat(node.sessions.sessions()).isEmpty();
    }

    @Test
    void v3PersistentSessionIsPresentOnReconnect() {
        // [MQTT-3.2.2-2]: clean session 0 and a stored session: session present 1
        TestClient first = node.open(V3).send(connect(V3, "p1", false).build());
        assertThat(first.connAck().variableHeader().isSessionPresent()).isFalse();
        first.send(ClientPackets.subscribe(1, "a/b", 1));
        assertThat(first.subAck()).containsExactly(1);
        first.send(ClientPackets.disconnect());
        assertThat(node.sessionLog.latest("p1")).isNotNull();

        TestClient again = node.open(V3).send(connect(V3, "p1", false).build());
        assertThat(again.connAck().variableHeader().isSessionPresent()).isTrue();
    }

    @Test
    void v3CleanSessionDiscardsTheStoredSession() {
        // [MQTT-3.2.2-1]: CleanSession 1 means session present 0, even when a session was stored
        TestClient first = node.open(V3).send(connect(V3, "p3", false).build());
        first.connAck();
        first.send(ClientPackets.disconnect());
        assertThat(node.sessionLog.latest("p3")).isNotNull();

        TestClient clean = node.open(V3).send(connect(V3, "p3", true).build());
        MqttConnAckMessage ack = clean.connAck();
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        assertThat(ack.variableHeader().isSessionPresent()).isFalse();
    }

    @Test
    void v5CleanStartDiscardsTheStoredSession() {
        // [MQTT-3.1.2-4] [MQTT-3.2.2-2]: Clean Start 1 discards the session: session present 0
        var expiry = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600));
        TestClient first =
                node.open(V5).send(connect(V5, "p5", false).properties(expiry).build());
        assertThat(first.connAck().variableHeader().isSessionPresent()).isFalse();
        first.send(ClientPackets.disconnect());
        assertThat(node.sessionLog.latest("p5")).isNotNull();

        TestClient resumed =
                node.open(V5).send(connect(V5, "p5", false).properties(expiry).build());
        assertThat(resumed.connAck().variableHeader().isSessionPresent()).isTrue();
        resumed.send(ClientPackets.disconnect());

        TestClient clean =
                node.open(V5).send(connect(V5, "p5", true).properties(expiry).build());
        assertThat(clean.connAck().variableHeader().isSessionPresent()).isFalse();
    }

    @Test
    void v5SessionIsGoneAfterItsExpiryInterval() {
        // [MQTT-3.1.2-23]: the session ends when the expiry interval passes after the network connection closed
        var expiry = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 60));
        TestClient first =
                node.open(V5).send(connect(V5, "e5", false).properties(expiry).build());
        first.connAck();
        first.send(ClientPackets.disconnect());
        node.advance(Duration.ofSeconds(61));

        TestClient later =
                node.open(V5).send(connect(V5, "e5", false).properties(expiry).build());
        assertThat(later.connAck().variableHeader().isSessionPresent()).isFalse();
    }

    @Test
    void secondConnectIsAProtocolViolation() {
        // [MQTT-3.1.0-2]: MQTT 5 DISCONNECT 0x82, MQTT 3.1.1 closed
        TestClient v5 = node.open(V5).send(connect(V5, "c5", true).build());
        v5.connAck();
        v5.send(connect(V5, "c5", true).build());
        assertThat(v5.disconnectReason()).isEqualTo(0x82);
        assertThat(v5.isOpen()).isFalse();

        TestClient v3 = node.open(V3).send(connect(V3, "c3", true).build());
        v3.connAck();
        v3.send(connect(V3, "c3", true).build());
        v3.expectNothing();
        assertThat(v3.isOpen()).isFalse();
    }

    @Test
    void firstPacketOtherThanConnectClosesTheConnection() {
        // [MQTT-3.1.0-1]
        TestClient c = node.open(V3).send(ClientPackets.pingreq());
        c.expectNothing();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void connectionWithoutConnectIsClosedAfterTheConnectTimeout() {
        TestClient c = node.open(V3);
        node.advance(Duration.ofMillis(9_999));
        assertThat(c.isOpen()).isTrue();
        node.advance(Duration.ofMillis(1));
        assertThat(c.isOpen()).isFalse();
        assertThat(node.metrics.getConnectTimeouts()).isEqualTo(1);
    }

    @Test
    void packetsSentRightBehindConnectAreProcessedOnceConnected() {
        // Clients need not wait for CONNACK (MQTT 3.1.1 section 3.1.4): CONNECT, SUBSCRIBE, PINGREQ in one write
        TestClient c = node.open(V3)
                .sendInOneWrite(
                        connect(V3, "pipelined", true).build(),
                        ClientPackets.subscribe(7, "pipe/#", 1),
                        ClientPackets.pingreq());
        assertThat(c.connAckCode()).isZero();
        // SUBACK waits for the subscription to be stored, so PINGRESP may overtake it
        MqttMessage second = c.next();
        MqttMessage third = c.next();
        assertThat(second).isNotNull();
        assertThat(third).isNotNull();
        assertThat(List.of(
                        second.fixedHeader().messageType(), third.fixedHeader().messageType()))
                .containsExactlyInAnyOrder(MqttMessageType.SUBACK, MqttMessageType.PINGRESP);
    }

    @Test
    void v31ClientIsAcceptedAndExchangesMessages() {
        // MQTT 3.1 (protocol name MQIsdp, level 3) is spoken as 3.1.1
        TestClient c = node.open(V31).send(connect(V31, "mqtt31-client", true).build());
        assertThat(c.connAckCode()).isZero();
        c.send(ClientPackets.subscribe(1, "v31/t", 1));
        assertThat(c.subAck()).containsExactly(1);
        c.send(ClientPackets.publish("v31/t", "hello 3.1", 1, 2));
        List<MqttMessageType> types = new ArrayList<>();
        String payload = null;
        for (int i = 0; i < 2; i++) {
            MqttMessage m = c.next();
            assertThat(m).as("PUBACK and the PUBLISH to itself").isNotNull();
            types.add(m.fixedHeader().messageType());
            if (m instanceof MqttPublishMessage p) {
                payload = TestClient.Received.of(p).payload();
            }
        }
        assertThat(types).containsExactlyInAnyOrder(MqttMessageType.PUBACK, MqttMessageType.PUBLISH);
        assertThat(payload).isEqualTo("hello 3.1");
    }

    @Test
    void unsupportedAuthenticationMethodIsRefusedEvenWithoutAuthentication() {
        // [MQTT-4.12.0-1]: the node takes anonymous clients but knows no SCRAM here: CONNACK 0x8C, then close
        TestClient c = node.open(V5)
                .send(connect(V5, "auth-method", true)
                        .properties(props(new MqttProperties.StringProperty(
                                MqttProperties.AUTHENTICATION_METHOD, "SCRAM-SHA-256")))
                        .build());
        assertThat(c.connAckCode()).isEqualTo(0x8C);
        assertThat(c.isOpen()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void willQos3IsMalformed(MqttVersion version) {
        // [MQTT-3.1.2-14] (MQTT 5: [MQTT-3.1.2-12]): Will QoS must not be 3. Flags: will, QoS 3, clean start.
        assertConnectMalformed(version, connectBytes(version, 0x1E, 'w', 0, 3, 'w', '/', 't', 0, 1, 'x'));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void willQosWithoutAWillIsMalformed(MqttVersion version) {
        // [MQTT-3.1.2-13] (MQTT 5: [MQTT-3.1.2-11]): with Will Flag 0, Will QoS must be 0. Flags: QoS 1, clean.
        assertConnectMalformed(version, connectBytes(version, 0x0A, 'w'));
    }

    /** MQTT 3.1.1 is closed without CONNACK; MQTT 5 gets CONNACK 0x81 (Malformed Packet) first. */
    private void assertConnectMalformed(MqttVersion version, int[] connect) {
        long errorsBefore = node.metrics.getProtocolErrors();
        TestClient c = node.open(version).sendBytes(connect);
        if (version == V5) {
            assertThat(c.connAckCode()).isEqualTo(0x81);
        } else {
            c.expectNothing();
        }
        assertThat(c.isOpen()).isFalse();
        assertThat(node.sessions.sessions()).isEmpty();
        assertThat(node.metrics.getProtocolErrors()).isEqualTo(errorsBefore + 1);
    }

    /**
     * CONNECT bytes: protocol name and level of {@code version}, the given flags, keep alive 60, empty
     * properties for MQTT 5, a one-character client id, then {@code rest} (will fields, if any; MQTT 5 gets
     * empty will properties before them). Written by hand: Netty's encoder refuses such CONNECTs.
     */
    private static int[] connectBytes(MqttVersion version, int flags, int clientIdChar, int... rest) {
        boolean v5 = version == V5;
        List<Integer> body = new ArrayList<>(List.of(0, 4, (int) 'M', (int) 'Q', (int) 'T', (int) 'T'));
        body.addAll(List.of((int) version.protocolLevel(), flags, 0, 60));
        if (v5) {
            body.add(0);
        }
        body.addAll(List.of(0, 1, clientIdChar));
        if (v5 && rest.length > 0) {
            body.add(0);
        }
        for (int b : rest) {
            body.add(b);
        }
        int[] packet = new int[body.size() + 2];
        packet[0] = 0x10;
        packet[1] = body.size();
        for (int i = 0; i < body.size(); i++) {
            packet[i + 2] = body.get(i);
        }
        return packet;
    }

    @Test
    void pingreqIsAnsweredWithPingresp() {
        // [MQTT-3.12.4-1]
        TestClient c = node.open(V3).send(connect(V3, "c1", true).build());
        c.connAck();
        c.send(ClientPackets.pingreq());
        c.expect(MqttMessageType.PINGRESP);
    }
}
