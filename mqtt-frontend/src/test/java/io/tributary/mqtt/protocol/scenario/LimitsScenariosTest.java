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
import io.tributary.mqtt.protocol.scenario.TestClient.Received;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 limits: Receive Maximum both ways, Maximum Packet Size both ways. (Topic aliases: TopicAliasScenariosTest.) */
class LimitsScenariosTest {

    private ProtocolHarness node = new ProtocolHarness();

    @AfterEach
    void close() {
        node.close();
    }

    private void restart(ProtocolHarness.Options o) {
        node.close();
        node = new ProtocolHarness(o);
    }

    @Test
    void exceedingTheReceiveMaximumIsDisconnectedWith0x93() {
        // [MQTT-3.3.4-9]: more unacknowledged QoS 1/2 PUBLISHes than Receive Maximum
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.receiveMaximum = 2;
        restart(o);
        node.messages.holdAcks();
        TestClient c = node.open(V5).send(connect(V5, "pub", true).build());
        var ack = c.connAck();
        assertThat(ack.variableHeader()
                        .properties()
                        .getProperty(MqttProperties.RECEIVE_MAXIMUM)
                        .value())
                .as("the configured maximum is advertised")
                .isEqualTo(2);
        c.send(publish("a", "1", 1, 1));
        c.send(publish("a", "2", 1, 2));
        c.expectNothing();
        c.send(publish("a", "3", 1, 3));
        assertThat(c.disconnectReason()).isEqualTo(0x93);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.awaitingAck()).isEqualTo(2);
    }

    @Test
    void deliveriesRespectTheClientsReceiveMaximum() {
        // [MQTT-3.3.4-7]: no more unacknowledged QoS 1/2 PUBLISHes than the client's Receive Maximum
        TestClient sub = node.connectedV5("sub", props(intProp(MqttProperties.RECEIVE_MAXIMUM, 1)));
        sub.send(subscribe(1, "rm", 1));
        sub.subAck();
        TestClient pub = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("rm", "1", 1, 1));
        pub.send(publish("rm", "2", 1, 2));
        Received first = sub.publish();
        sub.expectNothing();
        sub.send(ClientPackets.reply(MqttMessageType.PUBACK, first.packetId()));
        assertThat(sub.publish().payload()).isEqualTo("2");
    }

    @Test
    void outboundQos1DeliveriesStopAtTheSessionInflightWindowUntilAcknowledged() {
        // session.max.inflight: no more unacknowledged deliveries than the node allows, whatever the client's
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.sessionInflight = 2;
        restart(o);
        TestClient sub = node.open(V3).send(connect(V3, "win-sub", true).build());
        assertThat(sub.connAckCode()).isZero();
        sub.send(subscribe(1, "window", 1));
        assertThat(sub.subAck()).containsExactly(1);
        TestClient pub = node.open(V3).send(connect(V3, "win-pub", true).build());
        assertThat(pub.connAckCode()).isZero();
        for (int i = 1; i <= 4; i++) {
            pub.send(publish("window", "m" + i, 1, i));
        }
        List<Received> got = new ArrayList<>(List.of(sub.publish(), sub.publish()));
        sub.expectNothing();
        sub.send(ClientPackets.reply(MqttMessageType.PUBACK, got.get(0).packetId()));
        got.add(sub.publish());
        assertThat(got).extracting(Received::payload).containsExactly("m1", "m2", "m3");
    }

    @Test
    void inboundPacketAboveTheMaximumPacketSizeIsDisconnectedWith0x95() {
        // [MQTT-3.2.2-15] / MQTT 5 section 3.1.2.11.4: Packet too large
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.maxPacketSize = 256;
        restart(o);
        TestClient c = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("big", "x".repeat(300), 0, 0));
        assertThat(c.disconnectReason()).isEqualTo(0x95);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.metrics.getPacketsTooLarge()).isEqualTo(1);
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void outboundPacketAboveTheClientsMaximumIsNotSent() {
        // [MQTT-3.1.2-25]: the server does not send a packet larger than the client's Maximum Packet Size
        TestClient sub = node.connectedV5("sub", props(intProp(MqttProperties.MAXIMUM_PACKET_SIZE, 100)));
        sub.send(subscribe(1, "sz", 0));
        sub.subAck();
        TestClient pub = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("sz", "x".repeat(200), 0, 0));
        pub.send(publish("sz", "small", 0, 0));
        assertThat(sub.publish().payload()).isEqualTo("small");
        sub.expectNothing();
        assertThat(sub.isOpen()).isTrue();
    }

    @Test
    void outboundPublishIsMeasuredToTheByte() {
        // [MQTT-3.1.2-24]: 56 and 64 bytes fit a maximum of 64, 65 bytes does not (QoS 0, no properties).
        TestClient sub = node.connectedV5("sub64", props(intProp(MqttProperties.MAXIMUM_PACKET_SIZE, 64)));
        sub.send(subscribe(1, "client_test5/TopicA", 0));
        sub.subAck();
        TestClient pub = node.connectedV5("pub64", MqttProperties.NO_PROPERTIES);
        pub.send(publish("client_test5/TopicA", "x".repeat(32), 0, 0));
        pub.send(publish("client_test5/TopicA", "y".repeat(41), 0, 0));
        pub.send(publish("client_test5/TopicA", "z".repeat(40), 0, 0));
        assertThat(sub.publish().payload()).isEqualTo("x".repeat(32));
        assertThat(sub.publish().payload()).isEqualTo("z".repeat(40));
        sub.expectNothing();
        assertThat(node.metrics.getPublishesTooLargeForClient()).isEqualTo(1);
    }
}
