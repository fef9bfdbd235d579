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
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sizes and limits at the edges of MQTT 5: the client's Maximum Packet Size (exact, for PUBLISH and for the Reason
 * String of a refusing PUBACK), the server's Receive Maximum with QoS 2 exchanges still open, topics deeper than
 * the node takes, packets whose inner lengths or reserved bits are wrong, and statements no other class covers.
 * The node's Receive Maximum is 2 here.
 */
class Conformance_LimitsIT {

    private static final int SERVER_RECEIVE_MAXIMUM = 2;

    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.withSettings(Map.of(BrokerConfig.PUBLISH_INFLIGHT_CONFIG, SERVER_RECEIVE_MAXIMUM));

    // ---- Maximum Packet Size of the client (3.1.2.11.4) -------------------------------------------------

    @Test
    @DisplayName("MQTT-3.1.2-24 MQTT-3.1.2-25 a PUBLISH that fits the client's maximum to the byte is sent, one byte"
            + " over it is dropped and counted, the connection stays")
    void mqtt_3_1_2_24_publishIsMeasuredToTheByte() throws Exception {
        String topic = "client_test5/TopicA";
        try (RawMqttClient small =
                        subscriber("small-64-raw", topic, 0, props(intProp(MqttProperties.MAXIMUM_PACKET_SIZE, 64)));
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "small-64-raw-pub")) {
            long dropped = broker.node().metrics().getPublishesTooLargeForClient();
            // QoS 0, no properties: 2 + 19 (topic) + 1 (property length) + payload, plus 2 bytes of fixed header.
            pub.send(Wire.publish(topic, "x".repeat(32), 0, 0)); // 56 bytes
            pub.send(Wire.publish(topic, "y".repeat(41), 0, 0)); // 65 bytes: over
            pub.send(Wire.publish(topic, "z".repeat(40), 0, 0)); // 64 bytes: the maximum itself
            assertThat(nextPublish(small).payload()).isEqualTo("x".repeat(32));
            assertThat(nextPublish(small).payload()).isEqualTo("z".repeat(40));
            assertThat(broker.node().metrics().getPublishesTooLargeForClient()).isEqualTo(dropped + 1);
            small.send(Wire.subscribe(2, "client_test5/other", 0));
            assertThat(Wire.next(small, MqttMessageType.SUBACK))
                    .as("the connection stays")
                    .isNotNull();
        }
    }

    @Test
    @DisplayName("MQTT-3.1.2-24 HiveMQ's client with a Maximum Packet Size of 64 receives a 32-byte message on"
            + " client_test5/TopicA; a larger one that does not fit is dropped")
    void mqtt_3_1_2_24_realClientWithASmallMaximumGetsWhatFits() {
        String topic = "client_test5/TopicA";
        List<Mqtt5Publish> got = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient small = v5("small-64");
        small.connectWith()
                .restrictions()
                .maximumPacketSize(64)
                .applyRestrictions()
                .send();
        Mqtt5BlockingClient pub = v5("small-64-pub");
        pub.connect();
        try {
            // (The client adds a Subscription Identifier of its own, 2 bytes: the 32-byte message is 58 bytes.)
            small.toAsync()
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_MOST_ONCE)
                    .callback(got::add)
                    .send()
                    .join();
            publish(pub, topic, "x".repeat(32));
            publish(pub, topic, "y".repeat(60));
            publish(pub, topic, "z".repeat(32));
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(got)
                            .extracting(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
                            .containsExactly("x".repeat(32), "z".repeat(32)));
            assertThat(small.getState().isConnected()).isTrue();
        } finally {
            small.disconnect();
            pub.disconnect();
        }
    }

    @Test
    @DisplayName("MQTT-3.4.2-2 MQTT-3.5.2-2 a refusing PUBACK / PUBREC leaves its Reason String out when it would"
            + " exceed the client's maximum")
    void mqtt_3_4_2_2_reasonStringOnlyWhenItFits() throws Exception {
        try (RawMqttClient roomy = connected(broker.mqttPort(), MqttVersion.MQTT_5, "reason-roomy");
                RawMqttClient tight = connected(
                        broker.mqttPort(),
                        MqttVersion.MQTT_5,
                        connect(MqttVersion.MQTT_5, "reason-tight", true)
                                .properties(props(intProp(MqttProperties.MAXIMUM_PACKET_SIZE, 20))))) {
            // A publish into $SYS is refused with 0x87 and "not authorized to publish to this topic".
            roomy.send(Wire.publish("$SYS/conf", "p", 1, 1));
            assertThat(reasonString(roomy, MqttMessageType.PUBACK)).isNotNull();
            tight.send(Wire.publish("$SYS/conf", "p", 1, 1));
            assertThat(reasonString(tight, MqttMessageType.PUBACK)).isNull();
            tight.send(Wire.publish("$SYS/conf", "p", 2, 2));
            assertThat(reasonString(tight, MqttMessageType.PUBREC)).isNull();
        }
    }

    // ---- Receive Maximum of the server (3.3.4, 4.9) -----------------------------------------------------

    @Test
    @DisplayName("MQTT-3.3.4-7 (server side) a QoS 2 PUBLISH past PUBREC but before PUBCOMP still counts against the"
            + " server's Receive Maximum: one more is DISCONNECT 0x93")
    void mqtt_3_3_4_7_qos2BeforePubcompCountsAgainstTheReceiveMaximum() throws Exception {
        try (RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "recv-max-qos2")) {
            for (int id = 1; id <= SERVER_RECEIVE_MAXIMUM; id++) {
                pub.send(Wire.publish("conf/rm2", "m" + id, 2, id));
                assertThat(nextReply(pub, MqttMessageType.PUBREC).reason()).isZero();
            }
            // Completing one gives its quota back: a third is accepted.
            pub.send(reply(MqttMessageType.PUBREL, 1, 0));
            assertThat(nextReply(pub, MqttMessageType.PUBCOMP).packetId()).isEqualTo(1);
            pub.send(Wire.publish("conf/rm2", "m3", 2, 3));
            assertThat(nextReply(pub, MqttMessageType.PUBREC).packetId()).isEqualTo(3);
            // Ids 2 and 3 wait for PUBREL: the quota is spent.
            pub.send(Wire.publish("conf/rm2", "m4", 2, 4));
            assertThat(Wire.disconnectReason(pub)).isEqualTo(0x93);
            assertThat(pub.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    // ---- topics deeper than the node takes ---------------------------------------------------------------

    @ParameterizedTest(name = "{0} levels")
    @ValueSource(ints = {40, 129, 1_000})
    @DisplayName("a QoS 1/2 PUBLISH deeper than the node's level limit gets PUBACK / PUBREC 0x90, the connection stays")
    void publishDeeperThanTheLevelLimitIsRefusedInItsAcknowledgement(int levels) throws Exception {
        String deep = "conf/deep" + "/l".repeat(levels - 2);
        try (RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "deep-" + levels)) {
            pub.send(Wire.publish(deep, "d", 1, 1));
            assertThat(nextReply(pub, MqttMessageType.PUBACK).reason()).isEqualTo(0x90);
            pub.send(Wire.publish(deep, "d", 2, 2));
            assertThat(nextReply(pub, MqttMessageType.PUBREC).reason()).isEqualTo(0x90);
            pub.send(Wire.publish("conf/shallow", "s", 1, 3));
            assertThat(nextReply(pub, MqttMessageType.PUBACK).reason()).isZero();
        }
    }

    // ---- malformed packets the decoder alone does not see -------------------------------------------------

    @Test
    @DisplayName("MQTT-3.1.4-1 a CONNECT whose protocol name length runs past the packet is refused at once")
    void mqtt_3_1_4_1_connectWithALengthPastItsEndIsRefusedAtOnce() throws Exception {
        byte[] connect = new byte[2 + 32];
        connect[0] = 0x10;
        connect[1] = 0x20;
        connect[2] = (byte) 0xFF;
        connect[3] = (byte) 0xFF;
        try (RawMqttClient c = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            c.sendBytes(connect);
            // Well before the connect timeout (10 s): the node does not wait for the 65,535 name bytes.
            assertThat(c.awaitClosed(Duration.ofSeconds(3))).isTrue();
        }
    }

    @ParameterizedTest(name = "connect flags {0}")
    @ValueSource(ints = {0x82, 0x06})
    @DisplayName("MQTT-3.1.2-9 MQTT-3.1.2-16 .. -19 a CONNECT whose User Name or Will flag promises fields the payload"
            + " lacks is malformed")
    void mqtt_3_1_2_18_flagsPromisingMissingFieldsAreMalformed(int flags) throws Exception {
        // MQTT 5, the flags (User Name or Will, with Clean Start), keep alive 60, no properties, client id "a", and
        // nothing more.
        byte[] connect = Wire.bytes(0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, flags, 0, 60, 0, 0, 1, 'a');
        try (RawMqttClient c = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            c.sendBytes(connect);
            MqttConnAckMessage ack = Wire.connAck(c);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x81);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3.8.3-5 reserved bits of the Subscription Options set: malformed, DISCONNECT 0x81")
    void mqtt_3_8_3_5_reservedSubscriptionOptionBitsAreMalformed() throws Exception {
        try (RawMqttClient c = connected(broker.mqttPort(), MqttVersion.MQTT_5, "sub-reserved")) {
            // SUBSCRIBE id 1, no properties, filter "a", options 0x41 (QoS 1 and reserved bit 6).
            c.sendBytes(Wire.bytes(0x82, 7, 0, 1, 0, 0, 1, 'a', 0x41));
            assertThat(Wire.disconnectReason(c)).isEqualTo(0x81);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3-8.3-4 (3.1.1) bits 2-7 of the requested QoS byte set: the connection is closed")
    void mqtt311ReservedRequestedQosBitsCloseTheConnection() throws Exception {
        try (RawMqttClient c = connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "sub-reserved-3")) {
            c.sendBytes(Wire.bytes(0x82, 6, 0, 1, 0, 1, 'a', 0x05));
            MqttMessage m = c.read(TIMEOUT);
            assertThat(m).as("no SUBACK").isNull();
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3.15.1-1 an AUTH with reserved flags set is malformed: DISCONNECT 0x81")
    void mqtt_3_15_1_1_authWithReservedFlagsIsMalformed() throws Exception {
        try (RawMqttClient c = connected(broker.mqttPort(), MqttVersion.MQTT_5, "auth-flags")) {
            c.sendBytes(Wire.bytes(0xF1, 0));
            assertThat(Wire.disconnectReason(c)).isEqualTo(0x81);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    // ---- statements no other class covers -----------------------------------------------------------------

    @Test
    @DisplayName("MQTT-3.1.3-11 an invalid will topic gets CONNACK 0x90")
    void mqtt_3_1_3_11_invalidWillTopicIsRefused() throws Exception {
        // Netty's encoder refuses such a will topic, so the CONNECT is written by hand: MQTT 5, Will and Clean
        // Start, keep alive 60, no properties, client id "w", no will properties, will topic "a/+", payload "x".
        byte[] connect = Wire.bytes(
                0x10, 23, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x06, 0, 60, 0, 0, 1, 'w', 0, 0, 3, 'a', '/', '+', 0, 1, 'x');
        try (RawMqttClient c = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            c.sendBytes(connect);
            assertThat(Wire.connAck(c).variableHeader().connectReturnCode().byteValue())
                    .isEqualTo((byte) 0x90);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-4.7.3-1 (3.1.1) a PUBLISH with an empty topic name closes the connection")
    void mqtt_4_7_3_1_emptyTopicNameClosesAnMqtt311Connection() throws Exception {
        try (RawMqttClient c = connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "empty-topic-3")) {
            c.send(Wire.publish("", "e", 1, 1));
            assertThat(c.read(TIMEOUT)).as("no PUBACK").isNull();
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3.3.2-12 the advertised Topic Alias Maximum itself is accepted as an alias")
    void mqtt_3_3_2_12_theAdvertisedMaximumIsAValidAlias() throws Exception {
        try (RawMqttClient sub = subscriber("alias-max-sub", "conf/aliasmax", 1);
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "alias-max-pub")) {
            int maximum = BrokerConfig.TOPIC_ALIAS_MAXIMUM_DEFAULT;
            pub.send(Wire.publish("conf/aliasmax", "named", 1, 1, props(intProp(MqttProperties.TOPIC_ALIAS, maximum))));
            assertThat(nextReply(pub, MqttMessageType.PUBACK).reason()).isZero();
            pub.send(Wire.publish("", "aliased", 1, 2, props(intProp(MqttProperties.TOPIC_ALIAS, maximum))));
            assertThat(nextReply(pub, MqttMessageType.PUBACK).reason()).isZero();
            for (String payload : List.of("named", "aliased")) {
                Wire.Received r = nextPublish(sub);
                assertThat(r.topic()).isEqualTo("conf/aliasmax");
                assertThat(r.payload()).isEqualTo(payload);
                sub.send(reply(MqttMessageType.PUBACK, r.packetId(), 0));
            }
        }
    }

    @Test
    @DisplayName("MQTT-4.8.2-3 a shared subscription granted QoS 0 gets a QoS 1 message at QoS 0")
    void mqtt_4_8_2_3_sharedMemberGetsTheGrantedQos() throws Exception {
        try (RawMqttClient member = subscriber("share-q0", "$share/q0/conf/shq", 0);
                RawMqttClient pub = connected(broker.mqttPort(), MqttVersion.MQTT_5, "share-q0-pub")) {
            pub.send(Wire.publish("conf/shq", "s", 1, 1));
            assertThat(nextReply(pub, MqttMessageType.PUBACK).reason()).isZero();
            // The share group's first fetch can take longer than a plain subscription's first delivery.
            MqttMessage m = member.read(Duration.ofSeconds(30));
            assertThat(m).isInstanceOf(MqttPublishMessage.class);
            Wire.Received r = Wire.Received.of((MqttPublishMessage) m);
            assertThat(r.payload()).isEqualTo("s");
            assertThat(r.qos()).isZero();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static Mqtt5BlockingClient v5(String clientId) {
        return Mqtt5Client.builder()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
    }

    private static void publish(Mqtt5BlockingClient client, String topic, String payload) {
        client.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_MOST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    private static RawMqttClient subscriber(String clientId, String filter, int qos) throws Exception {
        return subscriber(clientId, filter, qos, MqttProperties.NO_PROPERTIES);
    }

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

    /** The Reason String of the next acknowledgement, which must be of {@code type} and refusing. */
    private static String reasonString(RawMqttClient client, MqttMessageType type) throws Exception {
        MqttMessage m = Wire.next(client, type);
        MqttPubReplyMessageVariableHeader h = (MqttPubReplyMessageVariableHeader) m.variableHeader();
        assertThat(h.reasonCode() & 0xFF).isEqualTo(0x87);
        MqttProperties.MqttProperty<?> p = h.properties().getProperty(MqttProperties.REASON_STRING);
        return p == null ? null : (String) p.value();
    }
}
