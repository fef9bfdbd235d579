/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.publish;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.protocol.scenario.TestClient.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Session lifecycle on one node: take-over, keep alive, offline messages of a persistent session. */
class SessionScenariosTest {

    private ProtocolHarness node = new ProtocolHarness();

    @AfterEach
    void close() {
        node.close();
    }

    private TestClient connected(MqttVersion version, String clientId, int keepAlive) {
        TestClient c = node.open(version)
                .send(connect(version, clientId, true).keepAlive(keepAlive).build());
        assertThat(c.connAckCode()).isZero();
        return c;
    }

    @Test
    void v5TakeOverDisconnectsTheFirstConnectionWith0x8E() {
        // [MQTT-3.1.4-3]: the existing connection is closed; MQTT 5 tells it why (Session taken over)
        TestClient first = connected(V5, "dup", 0);
        TestClient second = connected(V5, "dup", 0);
        assertThat(first.disconnectReason()).isEqualTo(0x8E);
        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isTrue();
        assertThat(node.sessions.sessions()).hasSize(1);
        second.send(ClientPackets.pingreq());
        second.expect(MqttMessageType.PINGRESP);
    }

    @Test
    void v3TakeOverClosesTheFirstConnection() {
        // [MQTT-3.1.4-2]
        TestClient first = connected(V3, "dup", 0);
        TestClient second = connected(V3, "dup", 0);
        first.expectNothing();
        assertThat(first.isOpen()).isFalse();
        second.send(ClientPackets.pingreq());
        second.expect(MqttMessageType.PINGRESP);
    }

    @Test
    void takeOverPublishesTheWillOfTheFirstConnection() {
        // [MQTT-3.1.4-3] the first connection ends without DISCONNECT: its will is published
        TestClient first = node.open(V3)
                .send(connect(V3, "dup", true)
                        .willFlag(true)
                        .willTopic("status/dup")
                        .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                        .build());
        first.connAck();
        connected(V3, "dup", 0);
        assertThat(node.messages.records())
                .extracting(InMemoryMessageLog.Appended::payload)
                .containsExactly("gone");
    }

    @Test
    void silentClientIsClosedAfterOneAndAHalfKeepAlives() {
        // [MQTT-3.1.2-24]; MQTT 5 DISCONNECT 0x8D Keep Alive timeout
        TestClient c = connected(V5, "quiet", 10);
        node.advance(Duration.ofMillis(14_999));
        assertThat(c.isOpen()).isTrue();
        node.advance(Duration.ofMillis(1));
        assertThat(c.disconnectReason()).isEqualTo(0x8D);
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void v3SilentClientIsClosedAfterOneAndAHalfKeepAlives() {
        // [MQTT-3.1.2-24]; MQTT 3.1.1 has no DISCONNECT from the server: the connection just closes
        TestClient c = connected(V3, "quiet3", 10);
        node.advance(Duration.ofMillis(14_999));
        assertThat(c.isOpen()).isTrue();
        node.advance(Duration.ofMillis(1));
        c.expectNothing();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void pingreqKeepsTheConnectionAlive() {
        TestClient c = connected(V3, "pinger", 10);
        for (int i = 0; i < 5; i++) {
            node.advance(Duration.ofSeconds(10));
            c.send(ClientPackets.pingreq());
            c.expect(MqttMessageType.PINGRESP);
            c.expectNothing(); // in particular no close before the next ping is due
        }
        assertThat(c.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "client keep alive {0}")
    @ValueSource(ints = {0, 60})
    void serverKeepAliveCapsTheClientsKeepAlive(int clientKeepAlive) {
        // [MQTT-3.2.2-21]: the client uses the Server Keep Alive of CONNACK; 0 (none) is above any maximum too
        useKeepAliveMaximum(20);
        TestClient c = node.open(V5)
                .send(connect(V5, "c", true).keepAlive(clientKeepAlive).build());
        var ack = c.connAck();
        assertThat(ack.variableHeader()
                        .properties()
                        .getProperty(MqttProperties.SERVER_KEEP_ALIVE)
                        .value())
                .isEqualTo(20);
        // Enforced at 1.5 x the server's value, not the client's
        node.advance(Duration.ofMillis(29_999));
        assertThat(c.isOpen()).isTrue();
        node.advance(Duration.ofMillis(1));
        assertThat(c.disconnectReason()).isEqualTo(0x8D);
    }

    @Test
    void keepAliveWithinTheServersMaximumIsKeptAndNotAnnounced() {
        // [MQTT-3.2.2-22]: without a Server Keep Alive in CONNACK the server uses the client's value
        useKeepAliveMaximum(20);
        TestClient c = node.open(V5).send(connect(V5, "c", true).keepAlive(10).build());
        var ack = c.connAck();
        assertThat(ack.variableHeader().properties().getProperty(MqttProperties.SERVER_KEEP_ALIVE))
                .isNull();
        node.advance(Duration.ofMillis(14_999));
        assertThat(c.isOpen()).isTrue();
        node.advance(Duration.ofMillis(1));
        assertThat(c.disconnectReason()).isEqualTo(0x8D);
    }

    private void useKeepAliveMaximum(int seconds) {
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.keepAliveMaxSeconds = seconds;
        node.close();
        node = new ProtocolHarness(o);
    }

    @Test
    void persistentSessionGetsItsOfflineQos1MessagesOnReconnect() {
        // [MQTT-3.1.2-5]: QoS 1/2 messages for a disconnected persistent session are kept and sent on resume
        var expiry = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600));
        TestClient sub =
                node.open(V5).send(connect(V5, "away", false).properties(expiry).build());
        sub.connAck();
        sub.send(subscribe(1, "news/#", 1));
        sub.subAck();
        sub.send(ClientPackets.disconnect());

        TestClient pub = connected(V5, "pub", 0);
        pub.send(publish("news/1", "while away", 1, 1));
        pub.reply(MqttMessageType.PUBACK);

        TestClient back =
                node.open(V5).send(connect(V5, "away", false).properties(expiry).build());
        assertThat(back.connAck().variableHeader().isSessionPresent()).isTrue();
        Received r = back.publish();
        assertThat(r.topic()).isEqualTo("news/1");
        assertThat(r.payload()).isEqualTo("while away");
        assertThat(r.qos()).isEqualTo(1);
    }

    @Test
    void unacknowledgedQos1DeliveryIsResentWithDupOnResume() {
        // [MQTT-4.4.0-1]: on resume, unacknowledged PUBLISH packets are re-sent with DUP 1
        var expiry = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600));
        TestClient sub = node.open(V5)
                .send(connect(V5, "flaky", false).properties(expiry).build());
        sub.connAck();
        sub.send(subscribe(1, "t", 1));
        sub.subAck();
        connected(V5, "pub", 0).send(publish("t", "m", 1, 1));
        Received first = sub.publish();
        assertThat(first.dup()).isFalse();
        sub.drop(); // no PUBACK

        TestClient back = node.open(V5)
                .send(connect(V5, "flaky", false).properties(expiry).build());
        back.connAck();
        Received again = back.publish();
        assertThat(again.payload()).isEqualTo("m");
        assertThat(again.dup()).isTrue();
        assertThat(again.packetId()).isEqualTo(first.packetId());
    }
}
