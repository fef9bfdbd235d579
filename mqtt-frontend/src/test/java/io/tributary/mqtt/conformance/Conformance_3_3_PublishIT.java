/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.conformance;

import static io.tributary.mqtt.conformance.Wire.TIMEOUT;
import static io.tributary.mqtt.conformance.Wire.connect;
import static io.tributary.mqtt.conformance.Wire.connected;
import static io.tributary.mqtt.conformance.Wire.intProp;
import static io.tributary.mqtt.conformance.Wire.nextPublish;
import static io.tributary.mqtt.conformance.Wire.nextReply;
import static io.tributary.mqtt.conformance.Wire.props;
import static io.tributary.mqtt.conformance.Wire.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT 5.0 sections 3.3 to 3.7 (PUBLISH and its acknowledgements), 4.3 (QoS delivery), 4.9 (flow control)
 * and the Maximum Packet Size the client sets (3.1.2.11.4): what the ITs in {@code it/} do not already
 * cover. The node's Receive Maximum is 2 here, so the 0x93 case needs only three packets.
 */
class Conformance_3_3_PublishIT {

    private static final int SERVER_RECEIVE_MAXIMUM = 2;

    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.withSettings(Map.of(BrokerConfig.PUBLISH_INFLIGHT_CONFIG, SERVER_RECEIVE_MAXIMUM));

    static Mqtt5BlockingClient publisher;

    @BeforeAll
    static void start() {
        publisher = Mqtt5Client.builder()
                .identifier("conf-publisher")
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        publisher.connect();
    }

    @AfterAll
    static void stop() {
        if (publisher != null) {
            publisher.disconnect();
        }
    }

    private static void publish(String topic, String payload, int qos) {
        publisher
                .publishWith()
                .topic(topic)
                .qos(MqttQos.fromCode(qos))
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    /** A raw MQTT 5 subscriber of {@code filter} whose SUBACK has arrived. */
    private static RawMqttClient subscriber(String clientId, String filter, int qos, MqttProperties connectProps)
            throws Exception {
        RawMqttClient client = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, clientId, true).properties(connectProps));
        client.send(Wire.subscribe(1, filter, qos));
        ReferenceCountUtil.release(Wire.next(client, MqttMessageType.SUBACK));
        return client;
    }

    // ---- 3.3.1 fixed header ----------------------------------------------------------------------------

    @Test
    @DisplayName(
            "MQTT-3.3.1-2 MQTT-3.3.1-3 MQTT-4.3.1-1 outgoing DUP is the server's own: 0 for QoS 0, 0 on first delivery")
    void mqtt_3_3_1_3_outgoingDupIsIndependentOfTheIncomingOne() throws Exception {
        try (RawMqttClient q1 = subscriber("dup-sub-1", "conf/dup", 1, MqttProperties.NO_PROPERTIES);
                RawMqttClient q0 = subscriber("dup-sub-0", "conf/dup", 0, MqttProperties.NO_PROPERTIES);
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "dup-pub")) {
            // A first transmission the publisher marks DUP=1 anyway.
            MqttPublishMessage dup = new MqttPublishMessage(
                    new MqttFixedHeader(MqttMessageType.PUBLISH, true, MqttQoS.AT_LEAST_ONCE, false, 0),
                    new MqttPublishVariableHeader("conf/dup", 7, MqttProperties.NO_PROPERTIES),
                    Unpooled.copiedBuffer("d", StandardCharsets.UTF_8));
            pub.send(dup);
            assertThat(nextReply(pub, MqttMessageType.PUBACK).packetId()).isEqualTo(7);
            Wire.Received atQos1 = nextPublish(q1);
            assertThat(atQos1.qos()).isEqualTo(1);
            assertThat(atQos1.dup()).as("first delivery to this subscriber").isFalse();
            Wire.Received atQos0 = nextPublish(q0);
            assertThat(atQos0.qos()).isZero();
            assertThat(atQos0.dup()).isFalse();
        }
    }

    @Test
    @DisplayName("MQTT-3.3.1-8 a PUBLISH with RETAIN 0 neither stores nor replaces the retained message")
    void mqtt_3_3_1_8_nonRetainedPublishKeepsTheRetainedMessage() throws Exception {
        publisher
                .publishWith()
                .topic("conf/retain0")
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload("kept".getBytes(StandardCharsets.UTF_8))
                .send();
        publish("conf/retain0", "not retained", 1);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            try (RawMqttClient late =
                    subscriber("retain0-late-" + System.nanoTime(), "conf/retain0", 1, MqttProperties.NO_PROPERTIES)) {
                Wire.Received r = nextPublish(late);
                assertThat(r.payload()).isEqualTo("kept");
                assertThat(r.retain()).isTrue();
            }
        });
    }

    // ---- 3.3.2 properties ------------------------------------------------------------------------------

    @Test
    @DisplayName(
            "MQTT-3.3.2-4 MQTT-3.3.2-15 MQTT-3.3.2-16 MQTT-3.3.2-17 MQTT-3.3.2-18 MQTT-3.3.2-20 properties are forwarded unaltered")
    void mqtt_3_3_2_17_applicationPropertiesAreForwardedUnalteredAndInOrder() {
        List<Mqtt5Publish> got = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient sub = Mqtt5Client.builder()
                .identifier("props-sub")
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        sub.connect();
        try {
            sub.toAsync()
                    .subscribeWith()
                    .topicFilter("conf/props")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(got::add)
                    .send()
                    .join();
            publisher
                    .publishWith()
                    .topic("conf/props")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"t\":1}".getBytes(StandardCharsets.UTF_8))
                    .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                    .contentType("application/json")
                    .responseTopic("conf/props/reply")
                    .correlationData(new byte[] {0, 1, (byte) 0xFF})
                    .userProperties()
                    .add("k", "2")
                    .add("a", "x")
                    .add("k", "1")
                    .add("k", "2")
                    .applyUserProperties()
                    .send();
            await().atMost(TIMEOUT).until(() -> !got.isEmpty());
            Mqtt5Publish p = got.get(0);
            assertThat(p.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
            assertThat(p.getContentType().map(Object::toString)).contains("application/json");
            assertThat(p.getResponseTopic().map(Object::toString)).contains("conf/props/reply");
            assertThat(p.getCorrelationData()
                            .map(b -> {
                                byte[] a = new byte[b.remaining()];
                                b.get(a);
                                return a;
                            })
                            .orElseThrow())
                    .containsExactly(0, 1, 0xFF);
            assertThat(p.getUserProperties().asList())
                    .extracting(u -> u.getName() + "=" + u.getValue())
                    .containsExactly("k=2", "a=x", "k=1", "k=2");
        } finally {
            sub.disconnect();
        }
    }

    @Test
    @DisplayName(
            "MQTT-3.3.2-5 MQTT-3.3.2-6 an expired message is not delivered; a waiting one carries its remaining lifetime")
    void mqtt_3_3_2_5_expiredMessagesAreDroppedAndLifetimeCountsDown() throws Exception {
        String id = "expiry-sub";
        MqttProperties persistent = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
        try (RawMqttClient sub = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, id, false).properties(persistent))) {
            sub.send(Wire.subscribe(1, "conf/expiry", 1));
            ReferenceCountUtil.release(Wire.next(sub, MqttMessageType.SUBACK));
            sub.send(Wire.disconnect(0, MqttProperties.NO_PROPERTIES));
            assertThat(sub.awaitClosed(TIMEOUT)).isTrue();
        }
        long start = System.nanoTime();
        publisher
                .publishWith()
                .topic("conf/expiry")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("short".getBytes())
                .messageExpiryInterval(1)
                .send();
        publisher
                .publishWith()
                .topic("conf/expiry")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("long".getBytes())
                .messageExpiryInterval(100)
                .send();
        publish("conf/expiry", "forever", 1);
        // Wait out the short lifetime (a clock condition, not a fixed sleep).
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        System.nanoTime() - start > Duration.ofMillis(2_200).toNanos());
        try (RawMqttClient sub = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, id, false).properties(persistent))) {
            List<Wire.Received> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Wire.Received r = nextPublish(sub);
                got.add(r);
                sub.send(reply(MqttMessageType.PUBACK, r.packetId(), 0));
            }
            assertThat(got).extracting(Wire.Received::payload).containsExactly("long", "forever");
            MqttProperties.MqttProperty<?> expiry =
                    got.get(0).properties().getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
            assertThat((Integer) expiry.value())
                    .as("100 s minus the time it waited")
                    .isBetween(1, 98);
            assertThat(got.get(1).properties().getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL))
                    .isNull();
            assertThat(sub.read(Duration.ofMillis(300)))
                    .as("the expired message never comes")
                    .isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-1.5.4-2 MQTT-4.7.3-2 U+0000 in a topic name is malformed (3.1.1: [MQTT-1.5.3-2], close)")
    void mqtt_1_5_4_2_nullCharacterInATopicNameIsMalformed(MqttVersion version) throws Exception {
        try (RawMqttClient pub = connected(broker.mqttPort(), version, "null-topic-" + version)) {
            pub.sendBytes(Wire.packet(version, 0x30, Wire.ints(0, 3, 'a', 0, 'b'), 'x'));
            if (version == MqttVersion.MQTT_5) {
                assertThat(Wire.disconnectReason(pub)).isEqualTo(0x81);
            } else {
                assertThat(pub.read(Duration.ofMillis(500)))
                        .as("MQTT 3.1.1: no answer, only the close")
                        .isNull();
            }
            assertThat(pub.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-1.5.4-3 a U+FEFF (BOM) in a string is passed on as it came, never skipped or stripped")
    void mqtt_1_5_4_3_byteOrderMarkIsNotStripped() throws Exception {
        String topic = "\uFEFFconf/bom";
        try (RawMqttClient sub = subscriber("bom-sub", topic, 1, MqttProperties.NO_PROPERTIES);
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "bom-pub")) {
            MqttProperties props = props(
                    new MqttProperties.UserProperty("\uFEFFkey", "\uFEFFvalue"),
                    new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "\uFEFFtext/plain"));
            pub.send(Wire.publish(topic, "b", 1, 3, props));
            assertThat(nextReply(pub, MqttMessageType.PUBACK).reason()).isZero();
            Wire.Received r = nextPublish(sub);
            assertThat(r.topic()).isEqualTo(topic);
            assertThat(r.properties().getProperty(MqttProperties.CONTENT_TYPE).value())
                    .isEqualTo("\uFEFFtext/plain");
            MqttProperties.UserProperties user =
                    (MqttProperties.UserProperties) r.properties().getProperty(MqttProperties.USER_PROPERTY);
            assertThat(user.value()).singleElement().satisfies(pair -> {
                assertThat(pair.key).isEqualTo("\uFEFFkey");
                assertThat(pair.value).isEqualTo("\uFEFFvalue");
            });
        }
    }

    @Test
    @DisplayName("MQTT-3.3.2-14 a Response Topic with wildcards is a Protocol Error and is never forwarded")
    void mqtt_3_3_2_14_responseTopicWithWildcardsIsAProtocolError() throws Exception {
        try (RawMqttClient sub = subscriber("resp-wild-sub", "conf/resp", 1, MqttProperties.NO_PROPERTIES);
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "resp-wild-pub")) {
            pub.send(Wire.publish(
                    "conf/resp",
                    "r",
                    1,
                    5,
                    props(new MqttProperties.StringProperty(MqttProperties.RESPONSE_TOPIC, "conf/resp/+"))));
            assertThat(Wire.disconnectReason(pub)).isEqualTo(0x82);
            assertThat(pub.awaitClosed(TIMEOUT)).isTrue();
            assertThat(sub.read(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    @DisplayName("MQTT-3.3.4-6 (server side) a Subscription Identifier in a client's PUBLISH is a Protocol Error")
    void mqtt_3_3_4_6_subscriptionIdentifierFromAClientIsAProtocolError() throws Exception {
        try (RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "pub-sub-id")) {
            pub.send(Wire.publish("conf/subid", "s", 1, 6, props(intProp(MqttProperties.SUBSCRIPTION_IDENTIFIER, 7))));
            assertThat(Wire.disconnectReason(pub)).isEqualTo(0x82);
            assertThat(pub.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    // ---- 3.3.4 / 4.9 flow control ------------------------------------------------------------------------

    @Test
    @DisplayName(
            "MQTT-3.3.4-9 MQTT-4.9.0-2 MQTT-3.3.4-10 MQTT-4.9.0-3 the server keeps to the client's Receive Maximum and still answers other packets")
    void mqtt_3_3_4_9_serverRespectsTheClientsReceiveMaximum() throws Exception {
        try (RawMqttClient sub =
                subscriber("recv-max-sub", "conf/recvmax", 1, props(intProp(MqttProperties.RECEIVE_MAXIMUM, 2)))) {
            for (int i = 1; i <= 4; i++) {
                publish("conf/recvmax", "m" + i, 1);
            }
            Wire.Received first = nextPublish(sub);
            Wire.Received second = nextPublish(sub);
            assertThat(List.of(first.payload(), second.payload())).containsExactly("m1", "m2");
            // MQTT-2.2.1-4: non-zero, distinct packet ids for messages in flight.
            assertThat(first.packetId()).isPositive().isNotEqualTo(second.packetId());
            assertThat(sub.read(Duration.ofMillis(500)))
                    .as("quota of 2 used up")
                    .isNull();
            sub.send(MqttMessage.PINGREQ);
            ReferenceCountUtil.release(Wire.next(sub, MqttMessageType.PINGRESP));
            sub.send(reply(MqttMessageType.PUBACK, first.packetId(), 0));
            assertThat(nextPublish(sub).payload()).isEqualTo("m3");
            assertThat(sub.read(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    @DisplayName(
            "MQTT-3.3.4-7 (server side) more unacknowledged QoS 1 PUBLISH than the server's Receive Maximum: DISCONNECT 0x93")
    void mqtt_3_3_4_7_clientExceedingTheServersReceiveMaximumIsDisconnected() throws Exception {
        try (RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "recv-max-offender")) {
            pub.sendBytes(Wire.encode(
                    MqttVersion.MQTT_5,
                    Wire.publish("conf/flood", "1", 1, 1),
                    Wire.publish("conf/flood", "2", 1, 2),
                    Wire.publish("conf/flood", "3", 1, 3)));
            int reason = -1;
            for (MqttMessage m; (m = pub.read(TIMEOUT)) != null; ) {
                if (m.fixedHeader().messageType() == MqttMessageType.DISCONNECT) {
                    reason =
                            ((io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader())
                                            .reasonCode()
                                    & 0xFF;
                    break;
                }
                ReferenceCountUtil.release(m); // PUBACKs of the first two, if Kafka was quick
            }
            assertThat(reason).isEqualTo(0x93);
            assertThat(pub.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    // ---- 4.3 QoS 1 and QoS 2 as receiver -----------------------------------------------------------------

    @Test
    @DisplayName("MQTT-4.3.2-4 MQTT-4.3.2-5 PUBACK carries the PUBLISH's id; after it, the same id is a new message")
    void mqtt_4_3_2_5_samePacketIdAfterPubackIsANewMessage() throws Exception {
        try (RawMqttClient sub = subscriber("qos1-reuse-sub", "conf/qos1reuse", 1, MqttProperties.NO_PROPERTIES);
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "qos1-reuse-pub")) {
            pub.send(Wire.publish("conf/qos1reuse", "one", 1, 300));
            assertThat(nextReply(pub, MqttMessageType.PUBACK))
                    .isEqualTo(new Wire.Reply(MqttMessageType.PUBACK, 300, 0));
            pub.send(Wire.publish("conf/qos1reuse", "two", 1, 300));
            assertThat(nextReply(pub, MqttMessageType.PUBACK).packetId()).isEqualTo(300);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Wire.Received r = nextPublish(sub);
                got.add(r.payload());
                sub.send(reply(MqttMessageType.PUBACK, r.packetId(), 0));
            }
            assertThat(got).containsExactly("one", "two");
        }
    }

    @Test
    @DisplayName(
            "MQTT-4.3.3-8 MQTT-4.3.3-11 MQTT-4.3.3-12 PUBREC and PUBCOMP carry the ids; after PUBCOMP the id is new")
    void mqtt_4_3_3_12_samePacketIdAfterPubcompIsANewMessage() throws Exception {
        try (RawMqttClient sub = subscriber("qos2-reuse-sub", "conf/qos2reuse", 2, MqttProperties.NO_PROPERTIES);
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "qos2-reuse-pub")) {
            for (String payload : List.of("one", "two")) {
                pub.send(Wire.publish("conf/qos2reuse", payload, 2, 41));
                assertThat(nextReply(pub, MqttMessageType.PUBREC))
                        .isEqualTo(new Wire.Reply(MqttMessageType.PUBREC, 41, 0));
                pub.send(reply(MqttMessageType.PUBREL, 41, 0));
                assertThat(nextReply(pub, MqttMessageType.PUBCOMP))
                        .isEqualTo(new Wire.Reply(MqttMessageType.PUBCOMP, 41, 0));
            }
            // The server as QoS 2 sender: PUBREC -> PUBREL with the same id [MQTT-4.3.3-4]. The second PUBLISH
            // may overtake the first PUBREL (both fit the window), so packets are taken as they come.
            List<String> got = new ArrayList<>();
            List<Integer> recorded = new ArrayList<>();
            List<Integer> released = new ArrayList<>();
            while (got.size() < 2 || released.size() < 2) {
                Object m = Wire.poll(sub, TIMEOUT);
                if (m instanceof Wire.Received r) {
                    got.add(r.payload());
                    recorded.add(r.packetId());
                    sub.send(reply(MqttMessageType.PUBREC, r.packetId(), 0));
                } else if (m instanceof MqttMessage rel && rel.fixedHeader().messageType() == MqttMessageType.PUBREL) {
                    int id = Wire.Reply.of(rel).packetId();
                    released.add(id);
                    sub.send(reply(MqttMessageType.PUBCOMP, id, 0));
                } else {
                    throw new AssertionError("expected PUBLISH or PUBREL, got " + m);
                }
            }
            assertThat(released).containsExactlyElementsOf(recorded);
            assertThat(got).containsExactly("one", "two");
        }
    }

    @Test
    @DisplayName("MQTT-3.7.2-1 PUBREL for an unknown packet id: PUBCOMP 0x92 (Packet Identifier not found)")
    void mqtt_3_7_2_1_pubrelForAnUnknownIdIsAnsweredWithNotFound() throws Exception {
        try (RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "pubrel-unknown")) {
            pub.send(reply(MqttMessageType.PUBREL, 999, 0));
            assertThat(nextReply(pub, MqttMessageType.PUBCOMP))
                    .isEqualTo(new Wire.Reply(MqttMessageType.PUBCOMP, 999, 0x92));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.6.1-1 PUBREL whose fixed-header flags are not 0010 is malformed (3.1.1: close)")
    void mqtt_3_6_1_1_pubrelWithWrongFlagsIsMalformed(MqttVersion version) throws Exception {
        try (RawMqttClient pub = connected(broker.mqttPort(), version, "pubrel-flags-" + version)) {
            pub.sendBytes(Wire.bytes(0x60, 2, 0, 5)); // PUBREL with flags 0000
            if (version == MqttVersion.MQTT_5) {
                assertThat(Wire.disconnectReason(pub)).isEqualTo(0x81);
            } else {
                assertThat(pub.read(Duration.ofMillis(500)))
                        .as("MQTT 3.1.1: no answer, only the close")
                        .isNull();
            }
            assertThat(pub.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    // ---- Maximum Packet Size of the client ----------------------------------------------------------------

    @Test
    @DisplayName(
            "MQTT-3.1.2-24 MQTT-3.1.2-25 a message larger than the client's Maximum Packet Size is skipped, the next one delivered")
    void mqtt_3_1_2_25_tooLargeForTheClientIsDiscarded() throws Exception {
        try (RawMqttClient sub =
                subscriber("small-sub", "conf/size", 1, props(intProp(MqttProperties.MAXIMUM_PACKET_SIZE, 128)))) {
            publish("conf/size", "x".repeat(1_000), 1);
            publish("conf/size", "small", 1);
            Wire.Received r = nextPublish(sub);
            assertThat(r.payload()).isEqualTo("small");
            sub.send(reply(MqttMessageType.PUBACK, r.packetId(), 0));
            assertThat(sub.read(Duration.ofMillis(300))).isNull();
        }
    }
}
