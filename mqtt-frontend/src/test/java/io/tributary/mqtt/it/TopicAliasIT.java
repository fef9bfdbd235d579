/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.PropertiesMapper;
import io.tributary.mqtt.wire.ReasonCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT 5 topic aliases (section 3.3.2.3.4) in both directions: Paho's MQTT 5 client uses the aliases the
 * broker advertises and accepts the ones the broker assigns; the byte-level client checks the packets
 * themselves and the protocol errors no real client sends.
 */
class TopicAliasIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    static final String messagesTopic =
            broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();

    /** A PUBLISH exactly as it came over the wire: topic name (empty when aliased) and Topic Alias (0: none). */
    record Wire(String topic, int alias, String payload, boolean dup, int packetId) {}

    static MqttClient paho(BrokerNode node, String id, Integer topicAliasMaximum) throws Exception {
        MqttClient c = new MqttClient(TestBroker.uri(node), id, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setTopicAliasMaximum(topicAliasMaximum);
        IMqttToken token = c.connectWithResult(o);
        // Paho aliases its own PUBLISH packets whenever the CONNACK allows it (every use here is on the default 10).
        assertThat(token.getResponseProperties().getTopicAliasMaximum()).isEqualTo(10);
        return c;
    }

    @Test
    void clientsPublishAndReceiveThroughAliasesWithTheRightTopics() throws Exception {
        // The subscriber is HiveMQ's client: Paho 1.2.5 takes the empty topic name of an aliased PUBLISH as a new
        // binding to "" instead of looking the alias up, so it cannot receive aliased messages.
        List<String> got = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient sub = com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion5()
                .identifier("alias-sub")
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        sub.connectWith()
                .restrictions()
                .topicAliasMaximum(5)
                .applyRestrictions()
                .send();
        sub.toAsync()
                .subscribeWith()
                .topicFilter("paho/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> got.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send()
                .join();
        MqttClient pub = paho(broker.node(), "alias-pub", 0);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String topic : List.of("paho/a", "paho/b/c")) {
                // Paho binds each topic to an alias on its first PUBLISH and sends only the alias afterwards.
                pub.publish(topic, (topic + "#" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                expected.add(topic + "=" + topic + "#" + i);
            }
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> got.size() >= expected.size());
        // Different topics may travel through different Kafka partitions: the order holds per topic.
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(got.stream().filter(g -> g.startsWith("paho/a=")).toList())
                .containsExactly("paho/a=paho/a#0", "paho/a=paho/a#1", "paho/a=paho/a#2");
        // The Kafka records carry the real topic names as keys, whatever alias the publisher used.
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(broker.kafka().readAll(messagesTopic).stream()
                                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                                .filter(k -> k.startsWith("paho/"))
                                .toList())
                        .containsExactlyInAnyOrder("paho/a", "paho/b/c", "paho/a", "paho/b/c", "paho/a", "paho/b/c"));
        pub.disconnect();
        sub.disconnect();
    }

    @Test
    void connackAdvertisesTheConfiguredTopicAliasMaximum() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            assertThat(topicAliasMaximum(connectV5(client, "adv-10", MqttProperties.NO_PROPERTIES)))
                    .isEqualTo(10);
        }
        var settings = TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.TOPIC_ALIAS_MAXIMUM_CONFIG, 0);
        try (BrokerNode noAliases = TestBroker.start(broker.kafka(), settings);
                RawMqttClient client = new RawMqttClient(noAliases.mqttPort(), MqttVersion.MQTT_5)) {
            assertThat(topicAliasMaximum(connectV5(client, "adv-0", MqttProperties.NO_PROPERTIES)))
                    .isZero();
            // With 0 advertised, any alias is invalid [MQTT-3.2.2-17].
            client.send(publish("x", "p", 1));
            assertThat(RawPackets.disconnectReason(client)).isEqualTo(ReasonCodes.TOPIC_ALIAS_INVALID);
        }
    }

    @Test
    void aliasZeroIsInvalid() throws Exception {
        // [MQTT-3.3.2-8]: a Topic Alias of 0 is not permitted: DISCONNECT 0x94 Topic Alias Invalid.
        assertDisconnected("alias-0", ReasonCodes.TOPIC_ALIAS_INVALID, publish("t", "p", 0));
    }

    @Test
    void aliasAboveTheAdvertisedMaximumIsInvalid() throws Exception {
        // [MQTT-3.3.2-9] / [MQTT-3.2.2-17]: no alias above the Topic Alias Maximum of the CONNACK (10).
        assertDisconnected("alias-11", ReasonCodes.TOPIC_ALIAS_INVALID, publish("t", "p", 11));
    }

    @Test
    void anEmptyTopicWithAnAliasNeverSetIsAProtocolError() throws Exception {
        assertDisconnected("alias-unknown", ReasonCodes.PROTOCOL_ERROR, publish("", "p", 3));
    }

    @Test
    void anEmptyTopicWithoutAliasIsAProtocolError() throws Exception {
        // MQTT 5 section 3.3.2.1: a zero-length Topic Name without a Topic Alias is a Protocol Error.
        assertDisconnected("alias-none", ReasonCodes.PROTOCOL_ERROR, publish("", "p", 0, false));
    }

    @Test
    void aliasesDoNotOutliveTheirNetworkConnection() throws Exception {
        // [MQTT-3.3.2-7]: alias 1 set on the first connection means nothing on the next one, same client id.
        try (RawMqttClient first = RawPackets.connected(broker.mqttPort(), MqttVersion.MQTT_5, "alias-reset")) {
            first.send(publish("reset/a", "one", 1));
            first.send(publish("", "two", 1)); // uses alias 1 on the connection that set it: accepted
            first.send(RawPackets.disconnect(ReasonCodes.SUCCESS));
            assertThat(first.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(broker.kafka().readAll(messagesTopic).stream()
                                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("reset/a"))
                                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                                .toList())
                        .containsExactly("one", "two"));
        assertDisconnected("alias-reset", ReasonCodes.PROTOCOL_ERROR, publish("", "three", 1));
    }

    @Test
    void theBrokerAliasesWithinTheClientsMaximumAndRebindsTheLeastRecentlyUsed() throws Exception {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, 2));
        try (RawMqttClient sub = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5);
                RawMqttClient plain = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            connectV5(sub, "out-sub", props);
            connectV5(plain, "out-plain", MqttProperties.NO_PROPERTIES);
            assertThat(SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_MOST_ONCE, "out/#"))
                    .containsExactly(0);
            assertThat(SubscriberPackets.subscribe(plain, 1, MqttQoS.AT_MOST_ONCE, "out/#"))
                    .containsExactly(0);
            MqttClient pub = paho(broker.node(), "out-pub", 0);
            List<Wire> wire = new ArrayList<>();
            for (String t : List.of("out/a", "out/a", "out/b", "out/a", "out/c", "out/b", "out/c")) {
                // One at a time: different topics may take different Kafka partitions, and this test is about order.
                pub.publish(t, t.getBytes(StandardCharsets.UTF_8), 0, false);
                wire.add(nextPublish(sub));
            }
            pub.disconnect();
            // First use binds (topic + alias), later uses send the alias alone; with the client's maximum of 2,
            // "out/c" takes the alias of the least recently used topic ("out/b"), and "out/b" then takes that
            // of "out/a" [MQTT-3.3.2-11].
            assertThat(wire)
                    .extracting(Wire::topic, Wire::alias)
                    .containsExactly(
                            tuple("out/a", 1),
                            tuple("", 1),
                            tuple("out/b", 2),
                            tuple("", 1),
                            tuple("out/c", 2),
                            tuple("out/b", 1),
                            tuple("", 2));
            assertThat(wire)
                    .extracting(Wire::payload)
                    .containsExactly("out/a", "out/a", "out/b", "out/a", "out/c", "out/b", "out/c");
            // A client that set no Topic Alias Maximum gets no aliases [MQTT-3.1.2-27].
            for (int i = 0; i < 7; i++) {
                Wire w = nextPublish(plain);
                assertThat(w.alias()).isZero();
                assertThat(w.topic()).isEqualTo(w.payload());
            }
        }
    }

    @Test
    void messagesResentAfterAReconnectBindTheirAliasesAgain() throws Exception {
        // [MQTT-3.3.2-7]: the new connection has a new alias table, so the re-sent (DUP) PUBLISH names its topic.
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, 4));
        props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
        try (RawMqttClient sub = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            connectV5(sub, "resend-sub", props);
            assertThat(SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_LEAST_ONCE, "resend/#"))
                    .containsExactly(1);
            MqttClient pub = paho(broker.node(), "resend-pub", 0);
            pub.publish("resend/x", "1".getBytes(StandardCharsets.UTF_8), 1, false);
            pub.publish("resend/x", "2".getBytes(StandardCharsets.UTF_8), 1, false);
            pub.disconnect();
            assertThat(List.of(nextPublish(sub), nextPublish(sub)))
                    .extracting(Wire::topic, Wire::alias)
                    .containsExactly(tuple("resend/x", 1), tuple("", 1)); // neither acknowledged
        }
        try (RawMqttClient again = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            MqttMessage ack = connectV5Message(again, "resend-sub", props, false);
            assertThat(((MqttConnAckMessage) ack).variableHeader().isSessionPresent())
                    .isTrue();
            Wire first = nextPublish(again);
            Wire second = nextPublish(again);
            assertThat(first)
                    .extracting(Wire::topic, Wire::alias, Wire::payload, Wire::dup)
                    .containsExactly("resend/x", 1, "1", true);
            assertThat(second)
                    .extracting(Wire::topic, Wire::alias, Wire::payload, Wire::dup)
                    .containsExactly("", 1, "2", true);
            SubscriberPackets.ack(again, MqttMessageType.PUBACK, first.packetId());
            SubscriberPackets.ack(again, MqttMessageType.PUBACK, second.packetId());
            again.send(RawPackets.disconnect(ReasonCodes.SUCCESS));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    private void assertDisconnected(String clientId, byte reason, MqttPublishMessage publish) throws Exception {
        try (RawMqttClient client = RawPackets.connected(broker.mqttPort(), MqttVersion.MQTT_5, clientId)) {
            client.send(publish);
            assertThat(RawPackets.disconnectReason(client)).isEqualTo(reason);
            assertThat(client.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
    }

    static MqttPublishMessage publish(String topic, String payload, int alias) {
        return publish(topic, payload, alias, true);
    }

    /** A QoS 0 PUBLISH with a Topic Alias property (when {@code withAlias}), as no real client would send it. */
    static MqttPublishMessage publish(String topic, String payload, int alias, boolean withAlias) {
        MqttProperties props = new MqttProperties();
        if (withAlias) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, alias));
        }
        return MqttMessageBuilders.publish()
                .topicName(topic)
                .qos(MqttQoS.AT_MOST_ONCE)
                .properties(props)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8))
                .build();
    }

    static MqttProperties connectV5(RawMqttClient client, String clientId, MqttProperties props) throws IOException {
        MqttConnAckMessage ack = (MqttConnAckMessage) connectV5Message(client, clientId, props, true);
        return ack.variableHeader().properties();
    }

    static MqttMessage connectV5Message(RawMqttClient client, String clientId, MqttProperties props, boolean cleanStart)
            throws IOException {
        client.send(RawPackets.connect(MqttVersion.MQTT_5, clientId, cleanStart, 60)
                .properties(props)
                .build());
        MqttConnAckMessage ack = RawPackets.connAck(client);
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        return ack;
    }

    static int topicAliasMaximum(MqttProperties connack) {
        Integer max = PropertiesMapper.intValue(connack, MqttProperties.TOPIC_ALIAS_MAXIMUM);
        return max == null ? 0 : max;
    }

    static Wire nextPublish(RawMqttClient client) throws IOException {
        MqttMessage m = client.read(RawPackets.READ_TIMEOUT);
        assertThat(m).as("PUBLISH").isInstanceOf(MqttPublishMessage.class);
        MqttPublishMessage p = (MqttPublishMessage) m;
        try {
            Integer alias = PropertiesMapper.intValue(p.variableHeader().properties(), MqttProperties.TOPIC_ALIAS);
            return new Wire(
                    p.variableHeader().topicName(),
                    alias == null ? 0 : alias,
                    new String(ByteBufUtil.getBytes(p.payload()), StandardCharsets.UTF_8),
                    p.fixedHeader().isDup(),
                    p.variableHeader().packetId());
        } finally {
            ReferenceCountUtil.release(m);
        }
    }
}
