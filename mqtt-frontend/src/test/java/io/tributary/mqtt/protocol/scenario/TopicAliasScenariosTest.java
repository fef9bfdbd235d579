/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.publish;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.tributary.mqtt.protocol.scenario.TestClient.Received;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 topic aliases, both ways (section 3.3.2.3.4): inbound resolution and errors, outbound assignment. */
class TopicAliasScenariosTest {

    private ProtocolHarness node = new ProtocolHarness();

    @AfterEach
    void close() {
        node.close();
    }

    private void restart(ProtocolHarness.Options o) {
        node.close();
        node = new ProtocolHarness(o);
    }

    private static MqttProperties alias(int alias) {
        return props(intProp(MqttProperties.TOPIC_ALIAS, alias));
    }

    @Test
    void inboundTopicAliasIsResolvedForLaterPublishes() {
        // MQTT 5 section 3.3.2.3.4: a topic name with an alias sets it; an empty topic name uses it
        TestClient c = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("very/long/topic/name", "1", 0, 0, false, alias(3)));
        c.send(publish("", "2", 0, 0, false, alias(3)));
        assertThat(node.messages.records())
                .extracting(InMemoryMessageLog.Appended::key)
                .containsExactly("very/long/topic/name", "very/long/topic/name");
    }

    @Test
    void unknownInboundTopicAliasIsAProtocolError() {
        TestClient c = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("", "x", 0, 0, false, alias(4)));
        assertThat(c.disconnectReason()).isEqualTo(0x82);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void inboundTopicAliasAboveTheMaximumIsInvalid() {
        // [MQTT-3.3.2-9]: above the Topic Alias Maximum of CONNACK (10): DISCONNECT 0x94
        TestClient c = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("a/b", "x", 0, 0, false, alias(11)));
        assertThat(c.disconnectReason()).isEqualTo(0x94);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void inboundTopicAliasZeroIsInvalid() {
        // [MQTT-3.3.2-8]: a Topic Alias of 0 is not permitted: DISCONNECT 0x94 Topic Alias Invalid
        TestClient c = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("t", "p", 0, 0, false, alias(0)));
        assertThat(c.disconnectReason()).isEqualTo(0x94);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void emptyTopicWithoutAliasIsAProtocolError() {
        // MQTT 5 section 3.3.2.1: a zero-length Topic Name without a Topic Alias is a Protocol Error
        TestClient c = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        c.send(publish("", "p", 0, 0));
        assertThat(c.disconnectReason()).isEqualTo(0x82);
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void topicAliasMaximumZeroAdvertisesNoneAndRefusesEveryAlias() {
        // [MQTT-3.2.2-17]: with 0 (or nothing) advertised, any alias is invalid
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.topicAliasMaximum = 0;
        restart(o);
        TestClient c = node.open(V5).send(connect(V5, "adv-0", true).build());
        var ack = c.connAck();
        var advertised = ack.variableHeader().properties().getProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM);
        assertThat(advertised == null ? 0 : (Integer) advertised.value()).isZero();
        c.send(publish("x", "p", 0, 0, false, alias(1)));
        assertThat(c.disconnectReason()).isEqualTo(0x94);
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void inboundAliasesDoNotOutliveTheirConnection() {
        // [MQTT-3.3.2-7]: alias 1 set on one connection means nothing on the next one of the same client
        TestClient first = node.connectedV5("alias-reset", MqttProperties.NO_PROPERTIES);
        first.send(publish("reset/a", "one", 0, 0, false, alias(1)));
        first.send(publish("", "two", 0, 0, false, alias(1)));
        first.send(ClientPackets.disconnect());
        assertThat(node.messages.records())
                .extracting(InMemoryMessageLog.Appended::key, InMemoryMessageLog.Appended::payload)
                .containsExactly(tuple("reset/a", "one"), tuple("reset/a", "two"));

        TestClient next = node.connectedV5("alias-reset", MqttProperties.NO_PROPERTIES);
        next.send(publish("", "three", 0, 0, false, alias(1)));
        assertThat(next.disconnectReason()).isEqualTo(0x82);
        assertThat(next.isOpen()).isFalse();
        assertThat(node.messages.records()).hasSize(2);
    }

    @Test
    void outboundTopicAliasesReplaceARepeatedTopic() {
        // MQTT 5 section 3.3.2.3.4: the server may use aliases up to the client's Topic Alias Maximum
        TestClient sub = node.connectedV5("sub", props(intProp(MqttProperties.TOPIC_ALIAS_MAXIMUM, 5)));
        sub.send(subscribe(1, "al/#", 0));
        sub.subAck();
        TestClient pub = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
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
    void outboundAliasesStayWithinTheClientsMaximumAndRebindTheLeastRecentlyUsed() {
        // [MQTT-3.3.2-11] [MQTT-3.1.2-26]: with the client's maximum of 2, "al/c" takes the alias of the least
        // recently used topic ("al/b"), and "al/b" then takes that of "al/a"; [MQTT-3.1.2-27] none without one
        TestClient sub = node.connectedV5("sub", props(intProp(MqttProperties.TOPIC_ALIAS_MAXIMUM, 2)));
        sub.send(subscribe(1, "al/#", 0));
        sub.subAck();
        TestClient plain = node.connectedV5("plain", MqttProperties.NO_PROPERTIES);
        plain.send(subscribe(1, "al/#", 0));
        plain.subAck();
        TestClient pub = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        List<String> topics = List.of("al/a", "al/a", "al/b", "al/a", "al/c", "al/b", "al/c");
        for (String t : topics) {
            pub.send(publish(t, t, 0, 0));
        }
        List<Received> wire = new ArrayList<>();
        for (int i = 0; i < topics.size(); i++) {
            wire.add(sub.publish());
        }
        assertThat(wire)
                .extracting(Received::topic, r -> r.intProperty(MqttProperties.TOPIC_ALIAS))
                .containsExactly(
                        tuple("al/a", 1),
                        tuple("", 1),
                        tuple("al/b", 2),
                        tuple("", 1),
                        tuple("al/c", 2),
                        tuple("al/b", 1),
                        tuple("", 2));
        assertThat(wire).extracting(Received::payload).containsExactlyElementsOf(topics);
        for (int i = 0; i < topics.size(); i++) {
            Received r = plain.publish();
            assertThat(r.intProperty(MqttProperties.TOPIC_ALIAS)).isNull();
            assertThat(r.topic()).isEqualTo(r.payload());
        }
    }

    @Test
    void messagesResentAfterAReconnectBindTheirAliasesAgain() {
        // [MQTT-3.3.2-7]: the new connection has a new alias table, so the re-sent (DUP) PUBLISH names its topic
        MqttProperties subProps = props(
                intProp(MqttProperties.TOPIC_ALIAS_MAXIMUM, 4), intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
        TestClient sub = node.connectedV5("resend-sub", subProps);
        sub.send(subscribe(1, "resend/#", 1));
        assertThat(sub.subAck()).containsExactly(1);
        TestClient pub = node.connectedV5("resend-pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("resend/x", "1", 1, 1));
        pub.send(publish("resend/x", "2", 1, 2));
        assertThat(List.of(sub.publish(), sub.publish()))
                .extracting(Received::topic, r -> r.intProperty(MqttProperties.TOPIC_ALIAS))
                .containsExactly(tuple("resend/x", 1), tuple("", 1)); // neither acknowledged
        sub.drop();

        TestClient again = node.open(V5)
                .send(connect(V5, "resend-sub", false).properties(subProps).build());
        assertThat(again.connAck().variableHeader().isSessionPresent()).isTrue();
        assertThat(List.of(again.publish(), again.publish()))
                .extracting(
                        Received::topic,
                        r -> r.intProperty(MqttProperties.TOPIC_ALIAS),
                        Received::payload,
                        Received::dup)
                .containsExactly(tuple("resend/x", 1, "1", true), tuple("", 1, "2", true));
    }

    @Test
    void noOutboundAliasesForAClientThatAllowsNone() {
        // [MQTT-3.3.2-10]... a client without Topic Alias Maximum gets full topic names only
        TestClient sub = node.connectedV5("sub", MqttProperties.NO_PROPERTIES);
        sub.send(subscribe(1, "al/#", 0));
        sub.subAck();
        TestClient pub = node.connectedV5("pub", MqttProperties.NO_PROPERTIES);
        pub.send(publish("al/x", "1", 0, 0));
        pub.send(publish("al/x", "2", 0, 0));
        assertThat(sub.publish().intProperty(MqttProperties.TOPIC_ALIAS)).isNull();
        assertThat(sub.publish().topic()).isEqualTo("al/x");
    }
}
