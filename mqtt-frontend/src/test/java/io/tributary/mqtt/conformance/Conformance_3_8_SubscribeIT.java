/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.conformance;

import static io.tributary.mqtt.conformance.Wire.TIMEOUT;
import static io.tributary.mqtt.conformance.Wire.connected;
import static io.tributary.mqtt.conformance.Wire.ints;
import static io.tributary.mqtt.conformance.Wire.nextPublish;
import static io.tributary.mqtt.conformance.Wire.packet;
import static io.tributary.mqtt.conformance.Wire.reply;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT 5.0 sections 3.8 to 3.11 (SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK) and 4.7 (topic names and
 * filters): what {@code it/SubscribeIT}, {@code it/RetainedIT} and {@code it/MalformedInputIT} do not already
 * cover.
 */
class Conformance_3_8_SubscribeIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    static Mqtt5BlockingClient publisher;

    @BeforeAll
    static void start() {
        publisher = Mqtt5Client.builder()
                .identifier("conf-sub-publisher")
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

    private static void publish(String topic, String payload, int qos, boolean retain) {
        publisher
                .publishWith()
                .topic(topic)
                .qos(MqttQos.fromCode(qos))
                .retain(retain)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    /**
     * Publishes a retained message and returns once the live path has dispatched it (a probe subscriber got
     * it), so a SUBSCRIBE that follows sees only the retained copy, not also a late live one.
     */
    private static void publishRetainedAndSettle(String topic, String payload) throws IOException {
        try (RawMqttClient probe = connected(broker.mqttPort(), MqttVersion.MQTT_5, "probe-" + System.nanoTime())) {
            probe.send(Wire.subscribe(1, topic, 0));
            subAck(probe, 1);
            publish(topic, payload, 1, true);
            assertThat(nextPublish(probe).payload()).isEqualTo(payload);
        }
    }

    /** The reason codes of the SUBACK, after checking it answers {@code packetId}. */
    private static List<Integer> subAck(RawMqttClient client, int packetId) throws IOException {
        MqttSubAckMessage ack = (MqttSubAckMessage) Wire.next(client, MqttMessageType.SUBACK);
        assertThat(ack.variableHeader().messageId()).as("SUBACK packet id").isEqualTo(packetId);
        return ack.payload().reasonCodes();
    }

    /** A client that commits a violation with the given bytes: MQTT 5 hears {@code reason}, then the close. */
    private static void assertDisconnected(MqttVersion version, String clientId, int reason, byte[] offence)
            throws IOException {
        try (RawMqttClient client = connected(broker.mqttPort(), version, clientId)) {
            client.sendBytes(offence);
            if (version == MqttVersion.MQTT_5) {
                assertThat(Wire.disconnectReason(client)).isEqualTo(reason);
            } else {
                assertThat(client.read(Duration.ofMillis(500)))
                        .as("MQTT 3.1.1: no answer, only the close")
                        .isNull();
            }
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    // ---- 3.8 SUBSCRIBE ---------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.8.3-1 a topic filter that is not well-formed UTF-8 is a Malformed Packet")
    void mqtt_3_8_3_1_filterWithIllFormedUtf8IsMalformed(MqttVersion version) throws Exception {
        assertDisconnected(
                version, "sub-utf8-" + version, 0x81, packet(version, 0x82, ints(0, 1), 0, 3, 'a', 0xC3, 0x28, 1));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.8.3-2 a SUBSCRIBE without any topic filter is a Protocol Error (3.1.1: [MQTT-3.8.3-3])")
    void mqtt_3_8_3_2_subscribeWithoutFiltersIsAProtocolError(MqttVersion version) throws Exception {
        assertDisconnected(version, "sub-empty-" + version, 0x82, packet(version, 0x82, ints(0, 1)));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName(
            "3.8.3.1 Requested QoS 3 closes the connection (3.1.1: [MQTT-3-8.3-4] malformed; MQTT 5: Protocol Error)")
    void requestedQos3ClosesTheConnection(MqttVersion version) throws Exception {
        int reason = version == MqttVersion.MQTT_5 ? 0x82 : 0;
        assertDisconnected(version, "sub-qos3-" + version, reason, packet(version, 0x82, ints(0, 1), 0, 1, 'a', 0x03));
    }

    @Test
    @DisplayName("3.8.3.1 Retain Handling 3 is a Protocol Error")
    void retainHandling3IsAProtocolError() throws Exception {
        assertDisconnected(
                MqttVersion.MQTT_5, "sub-rh3", 0x82, packet(MqttVersion.MQTT_5, 0x82, ints(0, 1), 0, 1, 'a', 0x31));
    }

    @Test
    @DisplayName(
            "MQTT-3.8.4-1 MQTT-3.8.4-2 MQTT-3.8.4-5 MQTT-3.8.4-6 MQTT-3.8.4-7 MQTT-3.9.3-1 MQTT-3.9.3-2 one SUBACK, same id, one code per filter in order")
    void mqtt_3_8_4_6_oneSubackWithACodePerFilterInOrder() throws Exception {
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "sub-many")) {
            client.send(MqttMessageBuilders.subscribe()
                    .messageId(4242)
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "conf/many/1")
                    .addSubscription(MqttQoS.EXACTLY_ONCE, "conf/#/bad")
                    .addSubscription(MqttQoS.EXACTLY_ONCE, "conf/many/2")
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "")
                    .build());
            assertThat(subAck(client, 4242)).containsExactly(1, 0x8F, 2, 0x8F);
            // Each accepted filter works as if subscribed on its own.
            publish("conf/many/2", "two", 2, false);
            Wire.Received r = nextPublish(client);
            assertThat(r.topic()).isEqualTo("conf/many/2");
            assertThat(r.qos()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName(
            "MQTT-3.8.4-3 MQTT-3.8.4-4 a SUBSCRIBE for an existing filter replaces it and re-sends retained messages")
    void mqtt_3_8_4_3_resubscribingReplacesTheSubscription() throws Exception {
        publishRetainedAndSettle("conf/replace", "retained");
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "sub-replace")) {
            client.send(Wire.subscribe(1, "conf/replace", 0));
            assertThat(subAck(client, 1)).containsExactly(0);
            Wire.Received first = nextPublish(client);
            assertThat(first.payload()).isEqualTo("retained");
            assertThat(first.qos()).isZero();
            client.send(Wire.subscribe(2, "conf/replace", 1));
            assertThat(subAck(client, 2)).containsExactly(1);
            Wire.Received again = nextPublish(client);
            assertThat(again.payload())
                    .as("Retain Handling 0 re-sends on replace")
                    .isEqualTo("retained");
            assertThat(again.qos()).isEqualTo(1);
            client.send(reply(MqttMessageType.PUBACK, again.packetId(), 0));
            publish("conf/replace", "live", 1, false);
            Wire.Received live = nextPublish(client);
            assertThat(live.payload()).isEqualTo("live");
            assertThat(live.qos()).as("the new subscription's QoS, one copy").isEqualTo(1);
            client.send(reply(MqttMessageType.PUBACK, live.packetId(), 0));
            assertThat(client.read(Duration.ofMillis(300))).as("no second copy").isNull();
        }
    }

    @Test
    @DisplayName(
            "MQTT-3.3.4-5 retained copies sent for two overlapping SUBSCRIBEs each carry their own Subscription Identifier")
    void mqtt_3_3_4_5_eachRetainedCopyCarriesItsSubscriptionIdentifier() throws Exception {
        publishRetainedAndSettle("conf/subids/a", "retained");
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "sub-ids-retained")) {
            for (int[] idAndPacket : new int[][] {{11, 1}, {22, 2}}) {
                String filter = idAndPacket[0] == 11 ? "conf/subids/+" : "conf/subids/#";
                client.send(MqttMessageBuilders.subscribe()
                        .messageId(idAndPacket[1])
                        .properties(Wire.props(Wire.intProp(MqttProperties.SUBSCRIPTION_IDENTIFIER, idAndPacket[0])))
                        .addSubscription(MqttQoS.AT_MOST_ONCE, filter)
                        .build());
                assertThat(subAck(client, idAndPacket[1])).containsExactly(0);
                Wire.Received r = nextPublish(client);
                assertThat(r.payload()).isEqualTo("retained");
                assertThat(r.properties().getProperties(MqttProperties.SUBSCRIPTION_IDENTIFIER))
                        .extracting(p -> (Integer) p.value())
                        .containsExactly(idAndPacket[0]);
            }
        }
    }

    // ---- 3.10 UNSUBSCRIBE ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.10.1-1 UNSUBSCRIBE whose fixed-header flags are not 0010 is malformed")
    void mqtt_3_10_1_1_unsubscribeWithWrongFlagsIsMalformed(MqttVersion version) throws Exception {
        assertDisconnected(version, "unsub-flags-" + version, 0x81, packet(version, 0xA0, ints(0, 1), 0, 1, 'a'));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.10.3-1 an UNSUBSCRIBE filter that is not well-formed UTF-8 is a Malformed Packet")
    void mqtt_3_10_3_1_unsubscribeFilterWithIllFormedUtf8IsMalformed(MqttVersion version) throws Exception {
        assertDisconnected(
                version, "unsub-utf8-" + version, 0x81, packet(version, 0xA2, ints(0, 1), 0, 3, 'a', 0xC3, 0x28));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.10.3-2 an UNSUBSCRIBE without any topic filter is a Protocol Error")
    void mqtt_3_10_3_2_unsubscribeWithoutFiltersIsAProtocolError(MqttVersion version) throws Exception {
        assertDisconnected(version, "unsub-empty-" + version, 0x82, packet(version, 0xA2, ints(0, 1)));
    }

    @Test
    @DisplayName("MQTT-3.10.4-1 filters are compared character by character: a/+ is not removed by unsubscribing a/b")
    void mqtt_3_10_4_1_unsubscribeComparesFiltersLiterally() throws Exception {
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "unsub-literal")) {
            client.send(Wire.subscribe(1, "conf/lit/+", 1));
            assertThat(subAck(client, 1)).containsExactly(1);
            client.send(MqttMessageBuilders.unsubscribe()
                    .messageId(2)
                    .addTopicFilter("conf/lit/b")
                    .build());
            assertThat(unsubAck(client, 2)).containsExactly((short) 0x11);
            publish("conf/lit/b", "still", 1, false);
            assertThat(nextPublish(client).payload()).isEqualTo("still");
        }
    }

    @Test
    @DisplayName(
            "MQTT-3.10.4-4 MQTT-3.10.4-5 MQTT-3.10.4-6 MQTT-3.11.3-1 MQTT-3.11.3-2 one UNSUBACK, same id, a code per filter in order")
    void mqtt_3_10_4_6_oneUnsubackWithACodePerFilterInOrder() throws Exception {
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "unsub-many")) {
            client.send(MqttMessageBuilders.subscribe()
                    .messageId(1)
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "conf/u/1")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "conf/u/2")
                    .build());
            assertThat(subAck(client, 1)).containsExactly(1, 1);
            client.send(MqttMessageBuilders.unsubscribe()
                    .messageId(777)
                    .addTopicFilter("conf/u/1")
                    .addTopicFilter("conf/u/none")
                    .addTopicFilter("conf/u/2")
                    .build());
            assertThat(unsubAck(client, 777)).containsExactly((short) 0, (short) 0x11, (short) 0);
            // And nothing was left behind: a message to either filter is not delivered.
            publish("conf/u/1", "gone", 1, false);
            publish("conf/u/2", "gone", 1, false);
            assertThat(client.read(Duration.ofMillis(500))).isNull();
        }
    }

    @Test
    @DisplayName("MQTT-3.10.4-5 MQTT 3.1.1 gets an UNSUBACK with the same id even when nothing was removed")
    void mqtt_3_10_4_5_unsubackForNothingRemovedMqtt311() throws Exception {
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "unsub-none-311")) {
            client.send(MqttMessageBuilders.unsubscribe()
                    .messageId(31)
                    .addTopicFilter("conf/never")
                    .build());
            MqttMessage ack = Wire.next(client, MqttMessageType.UNSUBACK);
            assertThat(((MqttUnsubAckMessage) ack).variableHeader().messageId()).isEqualTo(31);
        }
    }

    private static List<Short> unsubAck(RawMqttClient client, int packetId) throws IOException {
        MqttUnsubAckMessage ack = (MqttUnsubAckMessage) Wire.next(client, MqttMessageType.UNSUBACK);
        assertThat(ack.variableHeader().messageId()).as("UNSUBACK packet id").isEqualTo(packetId);
        return ack.payload().unsubscribeReasonCodes();
    }

    // ---- 4.7 topic names and filters -------------------------------------------------------------------

    @Test
    @DisplayName("MQTT-4.7.3-4 no Unicode normalisation when matching: NFD 'café' does not match an NFC filter")
    void mqtt_4_7_3_4_noNormalisationWhenMatching() throws Exception {
        String nfc = Normalizer.normalize("conf/caf\u00e9", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
        assertThat(nfc).isNotEqualTo(nfd);
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "no-normalise")) {
            client.send(Wire.subscribe(1, nfc, 1));
            assertThat(subAck(client, 1)).containsExactly(1);
            publish(nfd, "decomposed", 1, false);
            publish(nfc, "composed", 1, false);
            Wire.Received r = nextPublish(client);
            assertThat(r.payload()).isEqualTo("composed");
            assertThat(r.topic()).isEqualTo(nfc);
        }
    }

    @Test
    @DisplayName("MQTT-3.10.4-3 MQTT-4.4.0-1 a QoS 1 message sent before an UNSUBSCRIBE and not acknowledged when the"
            + " connection dropped is re-sent on resume, with DUP and its packet id")
    void mqtt_3_10_4_3_inFlightMessageOfARemovedSubscriptionIsResentOnResume() throws Exception {
        String topic = "conf/unsub/inflight";
        MqttProperties persistent = Wire.props(Wire.intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
        Wire.Received inFlight;
        try (RawMqttClient sub = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                Wire.connect(MqttVersion.MQTT_5, "unsub-inflight", true).properties(persistent))) {
            sub.send(Wire.subscribe(1, topic, 1));
            subAck(sub, 1);
            publish(topic, "in-flight", 1, false);
            inFlight = nextPublish(sub);
            assertThat(inFlight.payload()).isEqualTo("in-flight");
            sub.send(MqttMessageBuilders.unsubscribe()
                    .messageId(2)
                    .addTopicFilter(topic)
                    .build());
            ReferenceCountUtil.release(Wire.next(sub, MqttMessageType.UNSUBACK));
        } // dropped without PUBACK
        try (RawMqttClient again = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            again.send(Wire.connect(MqttVersion.MQTT_5, "unsub-inflight", false)
                    .properties(Wire.props(Wire.intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 0)))
                    .build());
            assertThat(Wire.connAck(again).variableHeader().isSessionPresent()).isTrue();
            Wire.Received resent = nextPublish(again);
            assertThat(resent.payload()).isEqualTo("in-flight");
            assertThat(resent.dup()).isTrue();
            assertThat(resent.packetId()).isEqualTo(inFlight.packetId());
            again.send(Wire.reply(MqttMessageType.PUBACK, resent.packetId(), 0));
            // The subscription itself stays removed.
            publish(topic, "after", 1, false);
            assertThat(again.read(Duration.ofMillis(500))).isNull();
        }
    }
}
