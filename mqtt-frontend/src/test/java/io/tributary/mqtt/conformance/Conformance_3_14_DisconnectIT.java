/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.conformance;

import static io.tributary.mqtt.conformance.Wire.TIMEOUT;
import static io.tributary.mqtt.conformance.Wire.connAck;
import static io.tributary.mqtt.conformance.Wire.connect;
import static io.tributary.mqtt.conformance.Wire.connected;
import static io.tributary.mqtt.conformance.Wire.intProp;
import static io.tributary.mqtt.conformance.Wire.nextPublish;
import static io.tributary.mqtt.conformance.Wire.props;
import static io.tributary.mqtt.conformance.Wire.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT 5.0 section 3.14 (DISCONNECT) and the parts of chapter 4 that are about ending and resuming a
 * connection: 4.4 (no re-send of a message the client refused) and 4.13 (errors close the connection).
 * Keep alive, take-over and the will on DISCONNECT are in {@code it/ConnectIT} and {@code it/WillIT}.
 */
class Conformance_3_14_DisconnectIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    static Mqtt5BlockingClient publisher;

    @BeforeAll
    static void start() {
        publisher = Mqtt5Client.builder()
                .identifier("conf-disc-publisher")
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

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.14.1-1 a DISCONNECT whose reserved flags are not 0 is a Malformed Packet (3.1.1: close)")
    void mqtt_3_14_1_1_disconnectWithReservedFlagsIsMalformed(MqttVersion version) throws Exception {
        try (RawMqttClient client = connected(broker.mqttPort(), version, "disc-flags-" + version)) {
            client.sendBytes(Wire.bytes(0xE1, 0));
            if (version == MqttVersion.MQTT_5) {
                assertThat(Wire.disconnectReason(client)).isEqualTo(0x81);
            } else {
                assertThat(client.read(Duration.ofMillis(500)))
                        .as("MQTT 3.1.1: no answer, only the close")
                        .isNull();
            }
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName(
            "MQTT-3.14.2-2 MQTT-3.14.4-1 MQTT-3.14.4-2 the server's DISCONNECT has no Session Expiry Interval, nothing follows it, the connection closes")
    void mqtt_3_14_2_2_serverDisconnectCarriesNoSessionExpiry() throws Exception {
        MqttProperties expiry = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 120));
        try (RawMqttClient first = connected(
                        broker.mqttPort(),
                        MqttVersion.MQTT_5,
                        connect(MqttVersion.MQTT_5, "disc-expiry", false).properties(expiry));
                RawMqttClient second = connected(
                        broker.mqttPort(),
                        MqttVersion.MQTT_5,
                        connect(MqttVersion.MQTT_5, "disc-expiry", false).properties(expiry))) {
            MqttMessage m = Wire.next(first, MqttMessageType.DISCONNECT);
            MqttReasonCodeAndPropertiesVariableHeader h =
                    (MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader();
            assertThat(h.reasonCode() & 0xFF).isEqualTo(0x8E);
            assertThat(h.properties().getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL))
                    .isNull();
            assertThat(first.read(Duration.ofSeconds(2)))
                    .as("no packet after DISCONNECT")
                    .isNull();
            assertThat(first.awaitClosed(TIMEOUT)).isTrue();
            second.send(Wire.disconnect(0, MqttProperties.NO_PROPERTIES));
        }
    }

    @Test
    @DisplayName(
            "MQTT-3.14.2-3 MQTT-3.1.2-24 the server leaves out the Reason String when it would exceed the client's Maximum Packet Size")
    void mqtt_3_14_2_3_reasonStringIsDroppedWhenTooLargeForTheClient() throws Exception {
        MqttProperties small = props(intProp(MqttProperties.MAXIMUM_PACKET_SIZE, 32));
        try (RawMqttClient first = connected(
                        broker.mqttPort(),
                        MqttVersion.MQTT_5,
                        connect(MqttVersion.MQTT_5, "disc-small", true).properties(small));
                RawMqttClient second = connected(broker.mqttPort(), MqttVersion.MQTT_5, "disc-small")) {
            MqttMessage m = Wire.next(first, MqttMessageType.DISCONNECT);
            MqttReasonCodeAndPropertiesVariableHeader h =
                    (MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader();
            assertThat(h.reasonCode() & 0xFF).isEqualTo(0x8E);
            assertThat(h.properties().getProperty(MqttProperties.REASON_STRING)).isNull();
            assertThat(first.awaitClosed(TIMEOUT)).isTrue();
            second.send(Wire.disconnect(0, MqttProperties.NO_PROPERTIES));
        }
    }

    @Test
    @DisplayName("3.14.2.2.2 a Session Expiry Interval set at DISCONNECT after 0 at CONNECT is a Protocol Error")
    void sessionExpiryAtDisconnectAfterZeroAtConnectIsAProtocolError() throws Exception {
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "disc-expiry-late")) {
            client.send(Wire.disconnect(0, props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 30))));
            assertThat(Wire.disconnectReason(client)).isEqualTo(0x82);
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3.14.0-1 MQTT-4.13.2-1 a refused CONNECT gets the CONNACK and the close, never a DISCONNECT")
    void mqtt_3_14_0_1_noDisconnectBeforeASuccessfulConnack() throws Exception {
        MqttProperties auth =
                props(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "NOT-SUPPORTED"));
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            MqttConnAckMessage ack = connAck(client.send(connect(MqttVersion.MQTT_5, "disc-refused", true)
                    .properties(auth)
                    .build()));
            assertThat(ack.variableHeader().connectReturnCode().byteValue() & 0xFF)
                    .isGreaterThanOrEqualTo(0x80);
            assertThat(client.read(TIMEOUT))
                    .as("nothing after the refusing CONNACK, the connection closes")
                    .isNull();
        }
    }

    @Test
    @DisplayName("MQTT-4.4.0-2 a message the client answered with PUBACK 0x80 or more is not sent again on resume")
    void mqtt_4_4_0_2_refusedMessagesAreNotResent() throws Exception {
        String id = "refusing-sub";
        MqttProperties persistent = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
        try (RawMqttClient sub = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, id, false).properties(persistent))) {
            sub.send(Wire.subscribe(1, "conf/refuse/#", 2));
            ReferenceCountUtil.release(Wire.next(sub, MqttMessageType.SUBACK));
            publish("conf/refuse/1", "refused-1", 1);
            Wire.Received q1 = nextPublish(sub);
            assertThat(q1.payload()).isEqualTo("refused-1");
            sub.send(reply(MqttMessageType.PUBACK, q1.packetId(), 0x80));
            publish("conf/refuse/2", "refused-2", 2);
            Wire.Received q2 = nextPublish(sub);
            assertThat(q2.payload()).isEqualTo("refused-2");
            sub.send(reply(MqttMessageType.PUBREC, q2.packetId(), 0x80));
            // A PUBREC of 0x80 or more ends the exchange: no PUBREL follows.
            assertThat(sub.read(Duration.ofMillis(500)))
                    .as("no PUBREL after a failed PUBREC")
                    .isNull();
            sub.send(Wire.disconnect(0, MqttProperties.NO_PROPERTIES));
            assertThat(sub.awaitClosed(TIMEOUT)).isTrue();
        }
        publish("conf/refuse/marker", "marker", 1);
        try (RawMqttClient sub = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, id, false).properties(persistent))) {
            Wire.Received r = nextPublish(sub);
            assertThat(r.payload()).as("only the message published while away").isEqualTo("marker");
            sub.send(reply(MqttMessageType.PUBACK, r.packetId(), 0));
            assertThat(sub.read(Duration.ofMillis(500))).isNull();
        }
    }

    @Test
    @DisplayName("MQTT-4.3.3-7 a QoS 2 message already sent is not expired: it is re-sent on resume after its lifetime")
    void mqtt_4_3_3_7_sentQos2MessageIsNotExpired() throws Exception {
        String id = "qos2-expiry";
        MqttProperties persistent = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
        int packetId;
        try (RawMqttClient sub = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, id, false).properties(persistent))) {
            sub.send(Wire.subscribe(1, "conf/qos2expiry", 2));
            ReferenceCountUtil.release(Wire.next(sub, MqttMessageType.SUBACK));
            publisher
                    .publishWith()
                    .topic("conf/qos2expiry")
                    .qos(MqttQos.EXACTLY_ONCE)
                    .payload("sent".getBytes())
                    .messageExpiryInterval(1)
                    .send();
            packetId = nextPublish(sub).packetId();
        } // dropped without PUBREC
        long start = System.nanoTime();
        // Wait out the lifetime (a clock condition, not a fixed sleep).
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        System.nanoTime() - start > Duration.ofMillis(1_500).toNanos());
        try (RawMqttClient sub = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, id, false).properties(persistent))) {
            Wire.Received again = nextPublish(sub);
            assertThat(again.payload()).isEqualTo("sent");
            assertThat(again.dup()).isTrue();
            assertThat(again.packetId()).isEqualTo(packetId);
            sub.send(reply(MqttMessageType.PUBREC, packetId, 0));
            assertThat(Wire.nextReply(sub, MqttMessageType.PUBREL).packetId()).isEqualTo(packetId);
            sub.send(reply(MqttMessageType.PUBCOMP, packetId, 0));
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
}
