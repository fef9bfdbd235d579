/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 limits: topic aliases both ways, Receive Maximum both ways, Maximum Packet Size both ways. */
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

    private TestClient connected(String clientId, MqttProperties connectProps) {
        TestClient c = node.open(V5)
                .send(connect(V5, clientId, true).properties(connectProps).build());
        assertThat(c.connAckCode()).isZero();
        return c;
    }

    private static MqttProperties alias(int alias) {
        return props(intProp(MqttProperties.TOPIC_ALIAS, alias));
    }

    @Test
    void inboundTopicAliasIsResolvedForLaterPublishes() {
        // MQTT 5 section 3.3.2.3.4: a topic name with an alias sets it; an empty topic name uses it
        TestClient c = connected("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("very/long/topic/name", "1", 0, 0, false, alias(3)));
        c.send(publish("", "2", 0, 0, false, alias(3)));
        assertThat(node.messages.records())
                .extracting(InMemoryMessageLog.Appended::key)
                .containsExactly("very/long/topic/name", "very/long/topic/name");
    }

    @Test
    void unknownInboundTopicAliasIsAProtocolError() {
        TestClient c = connected("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("", "x", 0, 0, false, alias(4)));
        assertThat(c.disconnectReason()).isEqualTo(0x82);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void inboundTopicAliasAboveTheMaximumIsInvalid() {
        // [MQTT-3.3.2-9]: above the Topic Alias Maximum of CONNACK (10): DISCONNECT 0x94
        TestClient c = connected("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("a/b", "x", 0, 0, false, alias(11)));
        assertThat(c.disconnectReason()).isEqualTo(0x94);
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void outboundTopicAliasesReplaceARepeatedTopic() {
        // MQTT 5 section 3.3.2.3.4: the server may use aliases up to the client's Topic Alias Maximum
        TestClient sub = connected("sub", props(intProp(MqttProperties.TOPIC_ALIAS_MAXIMUM, 5)));
        sub.send(subscribe(1, "al/#", 0));
        sub.subAck();
        TestClient pub = connected("pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("al/x", "1", 0, 0));
        pub.send(publish("al/x", "2", 0, 0));
        Received first = sub.publish();
        Received second = sub.publish();
        Integer alias = first.intProperty(MqttProperties.TOPIC_ALIAS);
        assertThat(first.topic()).isEqualTo("al/x");
        assertThat(alias).isBetween(1, 5);
        assertThat(second.topic()).isEmpty();
        assertThat(second.intProperty(MqttProperties.TOPIC_ALIAS)).isEqualTo(alias);
    }

    @Test
    void noOutboundAliasesForAClientThatAllowsNone() {
        // [MQTT-3.3.2-10]... a client without Topic Alias Maximum gets full topic names only
        TestClient sub = connected("sub", MqttProperties.NO_PROPERTIES);
        sub.send(subscribe(1, "al/#", 0));
        sub.subAck();
        TestClient pub = connected("pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("al/x", "1", 0, 0));
        pub.send(publish("al/x", "2", 0, 0));
        assertThat(sub.publish().intProperty(MqttProperties.TOPIC_ALIAS)).isNull();
        assertThat(sub.publish().topic()).isEqualTo("al/x");
    }

    @Test
    void exceedingTheReceiveMaximumIsDisconnectedWith0x93() {
        // [MQTT-3.3.4-9]: more unacknowledged QoS 1/2 PUBLISHes than Receive Maximum
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.receiveMaximum = 2;
        restart(o);
        node.messages.holdAcks();
        TestClient c = connected("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("a", "1", 1, 1));
        c.send(publish("a", "2", 1, 2));
        c.expectNothing();
        c.send(publish("a", "3", 1, 3));
        assertThat(c.disconnectReason()).isEqualTo(0x93);
        assertThat(node.messages.awaitingAck()).isEqualTo(2);
    }

    @Test
    void deliveriesRespectTheClientsReceiveMaximum() {
        // [MQTT-3.3.4-7]: no more unacknowledged QoS 1/2 PUBLISHes than the client's Receive Maximum
        TestClient sub = connected("sub", props(intProp(MqttProperties.RECEIVE_MAXIMUM, 1)));
        sub.send(subscribe(1, "rm", 1));
        sub.subAck();
        TestClient pub = connected("pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("rm", "1", 1, 1));
        pub.send(publish("rm", "2", 1, 2));
        Received first = sub.publish();
        sub.expectNothing();
        sub.send(ClientPackets.reply(MqttMessageType.PUBACK, first.packetId()));
        assertThat(sub.publish().payload()).isEqualTo("2");
    }

    @Test
    void inboundPacketAboveTheMaximumPacketSizeIsDisconnectedWith0x95() {
        // [MQTT-3.2.2-15] / MQTT 5 section 3.1.2.11.4: Packet too large
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.maxPacketSize = 256;
        restart(o);
        TestClient c = connected("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("big", "x".repeat(300), 0, 0));
        assertThat(c.disconnectReason()).isEqualTo(0x95);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void outboundPacketAboveTheClientsMaximumIsNotSent() {
        // [MQTT-3.1.2-25]: the server does not send a packet larger than the client's Maximum Packet Size
        TestClient sub = connected("sub", props(intProp(MqttProperties.MAXIMUM_PACKET_SIZE, 100)));
        sub.send(subscribe(1, "sz", 0));
        sub.subAck();
        TestClient pub = connected("pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("sz", "x".repeat(200), 0, 0));
        pub.send(publish("sz", "small", 0, 0));
        assertThat(sub.publish().payload()).isEqualTo("small");
        sub.expectNothing();
        assertThat(sub.isOpen()).isTrue();
    }
}
