/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.tributary.mqtt.acl.Authorizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CONNECT in MQTT 3.1.1 and 5: packets in, CONNACK (or a close) back, the session record out. */
class ConnectScenariosTest {

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
        assertThat(node.sessionLog.latest("c1")).isNull(); // nothing to keep for a clean session
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
        assertThat(node.metrics.connectTimeouts.get()).isEqualTo(1);
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
