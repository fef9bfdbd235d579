/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.conformance;

import static io.tributary.mqtt.conformance.Wire.TIMEOUT;
import static io.tributary.mqtt.conformance.Wire.bytes;
import static io.tributary.mqtt.conformance.Wire.connAck;
import static io.tributary.mqtt.conformance.Wire.connect;
import static io.tributary.mqtt.conformance.Wire.connected;
import static io.tributary.mqtt.conformance.Wire.intProp;
import static io.tributary.mqtt.conformance.Wire.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT 5.0 sections 3.1 (CONNECT) and 3.2 (CONNACK): the server-side statements that {@code it/ConnectIT}
 * and {@code it/WillIT} do not already cover (see docs/conformance.md for the full table).
 */
class Conformance_3_1_ConnectIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.1.2-1 a protocol name other than MQTT is refused and the connection closed")
    void mqtt_3_1_2_1_wrongProtocolNameIsRefused(MqttVersion version) throws Exception {
        // "MQTX", the version's level, clean start, keep alive 60, no properties (MQTT 5), client id "a".
        byte[] connect = version == MqttVersion.MQTT_5
                ? bytes(0x10, 14, 0, 4, 'M', 'Q', 'T', 'X', 5, 0x02, 0, 60, 0, 0, 1, 'a')
                : bytes(0x10, 13, 0, 4, 'M', 'Q', 'T', 'X', 4, 0x02, 0, 60, 0, 1, 'a');
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), version)) {
            client.sendBytes(connect);
            assertRefusedOrSilent(client);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.1.2-3 the reserved bit of the Connect Flags must be 0, else the connection is closed")
    void mqtt_3_1_2_3_reservedConnectFlagIsMalformed(MqttVersion version) throws Exception {
        boolean v5 = version == MqttVersion.MQTT_5;
        byte[] connect = v5
                ? bytes(0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x03, 0, 60, 0, 0, 1, 'a')
                : bytes(0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x03, 0, 60, 0, 1, 'a');
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), version)) {
            client.sendBytes(connect);
            assertRefusedOrSilent(client);
        }
    }

    @Test
    @DisplayName("MQTT-3.1.2-13 Will Retain without a will is malformed (MQTT 5: CONNACK 0x81, then close)")
    void mqtt_3_1_2_13_willRetainWithoutWillIsMalformed() throws Exception {
        // Flags 0x22: will retain + clean start, no will flag.
        byte[] connect = bytes(0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x22, 0, 60, 0, 0, 1, 'a');
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            client.sendBytes(connect);
            assertThat(connAck(client).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET);
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3.1.2-14 a will with Will Retain 0 is published as a non-retained message")
    void mqtt_3_1_2_14_willWithoutRetainIsNotRetained() throws Exception {
        String topic = "conf/will/plain";
        List<Mqtt5Publish> got = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient sub = v5("will-plain-sub");
        try {
            sub.toAsync()
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(got::add)
                    .send()
                    .join();
            RawMqttClient dying = connected(
                    broker.mqttPort(),
                    MqttVersion.MQTT_5,
                    connect(MqttVersion.MQTT_5, "will-plain", true)
                            .willFlag(true)
                            .willTopic(topic)
                            .willMessage("bye".getBytes(StandardCharsets.UTF_8))
                            .willProperties(MqttProperties.NO_PROPERTIES));
            dying.close();
            await().atMost(TIMEOUT).until(() -> !got.isEmpty());
            assertThat(got.get(0).isRetain()).isFalse();
        } finally {
            sub.disconnect();
        }
        // Nor is it stored: a later subscriber gets nothing retained.
        try (RawMqttClient late = connected(broker.mqttPort(), MqttVersion.MQTT_5, "will-plain-late")) {
            late.send(Wire.subscribe(1, topic, 1));
            Wire.next(late, MqttMessageType.SUBACK);
            assertThat(late.read(Duration.ofMillis(500))).as("no retained will").isNull();
        }
    }

    @Test
    @DisplayName("MQTT-3.1.3-10 the will's User Properties reach subscribers in their order")
    void mqtt_3_1_3_10_willUserPropertiesKeepTheirOrder() throws Exception {
        String topic = "conf/will/users";
        List<Mqtt5Publish> got = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient sub = v5("will-users-sub");
        try {
            sub.toAsync()
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(got::add)
                    .send()
                    .join();
            MqttProperties willProps = props(
                    new MqttProperties.UserProperty("k", "2"),
                    new MqttProperties.UserProperty("a", "x"),
                    new MqttProperties.UserProperty("k", "1"));
            RawMqttClient dying = connected(
                    broker.mqttPort(),
                    MqttVersion.MQTT_5,
                    connect(MqttVersion.MQTT_5, "will-users", true)
                            .willFlag(true)
                            .willTopic(topic)
                            .willMessage("bye".getBytes(StandardCharsets.UTF_8))
                            .willProperties(willProps));
            dying.close();
            await().atMost(TIMEOUT).until(() -> !got.isEmpty());
            assertThat(got.get(0).getUserProperties().asList())
                    .extracting(u -> u.getName() + "=" + u.getValue())
                    .containsExactly("k=2", "a=x", "k=1");
        } finally {
            sub.disconnect();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    @DisplayName("MQTT-3.2.2-1 bits 7-1 of the CONNACK flags are 0 (3.1.1: [MQTT-3.2.2-1] too)")
    void mqtt_3_2_2_1_connackReservedFlagsAreZero(MqttVersion version) throws Exception {
        byte[] connect = Wire.encode(
                version, connect(version, "connack-flags-" + version, true).build());
        try (Socket socket = new Socket("127.0.0.1", broker.mqttPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(connect);
            byte[] head = socket.getInputStream().readNBytes(3);
            assertThat(head[0] & 0xFF).as("CONNACK").isEqualTo(0x20);
            assertThat(head[2] & 0xFE).as("reserved acknowledge flags").isZero();
        }
    }

    @Test
    @DisplayName("MQTT-3.1.3-5 a 23-character alphanumeric client identifier is accepted")
    void mqtt_3_1_3_5_twentyThreeAlphanumericCharactersAreAccepted() throws Exception {
        String id = "Az09bY18cX27dW36eV45fU5";
        assertThat(id).hasSize(23);
        for (MqttVersion version : List.of(MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5)) {
            try (RawMqttClient client = connected(broker.mqttPort(), version, connect(version, id, true))) {
                client.send(MqttMessage.PINGREQ);
                ReferenceCountUtil.release(Wire.next(client, MqttMessageType.PINGRESP));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = RequestFlag.class,
            names = {"RESPONSE_INFORMATION", "PROBLEM_INFORMATION"})
    @DisplayName(
            "3.1.2.11.6 3.1.2.11.7 a Request Response / Problem Information other than 0 or 1: CONNACK 0x82, close")
    void requestFlagOtherThanZeroOrOneIsAProtocolError(RequestFlag flag) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            MqttConnAckMessage ack = connAck(client.send(connect(MqttVersion.MQTT_5, "request-flag-" + flag, true)
                    .properties(props(intProp(flag.id, 2)))
                    .build()));
            assertThat(ack.variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR);
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    enum RequestFlag {
        RESPONSE_INFORMATION(MqttProperties.REQUEST_RESPONSE_INFORMATION),
        PROBLEM_INFORMATION(MqttProperties.REQUEST_PROBLEM_INFORMATION);

        final int id;

        RequestFlag(int id) {
            this.id = id;
        }
    }

    @Test
    @DisplayName("MQTT-3.1.3-8 a client identifier the server rejects: CONNACK 0x85, then close")
    void mqtt_3_1_3_8_rejectedClientIdentifierIsRefusedThenClosed() throws Exception {
        String tooLong = "x".repeat(BrokerConfig.MAX_CLIENT_ID_DEFAULT + 1);
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            MqttConnAckMessage ack = connAck(
                    client.send(connect(MqttVersion.MQTT_5, tooLong, true).build()));
            assertThat(ack.variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID);
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3.1.3-6 MQTT-3.1.3-7 MQTT-3.2.2-16 empty client ids get distinct assigned identifiers")
    void mqtt_3_2_2_16_assignedClientIdentifiersAreUnique() {
        Mqtt5BlockingClient a = Mqtt5Client.builder()
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        Mqtt5BlockingClient b = Mqtt5Client.builder()
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        Mqtt5ConnAck ackA = a.connect();
        Mqtt5ConnAck ackB = b.connect();
        try {
            String idA = ackA.getAssignedClientIdentifier().orElseThrow().toString();
            String idB = ackB.getAssignedClientIdentifier().orElseThrow().toString();
            assertThat(idA).isNotEqualTo(idB);
            // Both connections are alive: the second did not take over the first.
            assertThat(a.getState().isConnected()).isTrue();
            assertThat(b.getState().isConnected()).isTrue();
        } finally {
            a.disconnect();
            b.disconnect();
        }
    }

    @Test
    @DisplayName("MQTT-3.2.2-6 MQTT-3.2.2-7 a refusing CONNACK has Session Present 0 and the connection closes")
    void mqtt_3_2_2_6_refusalHasSessionPresentZeroEvenWithAStoredSession() throws Exception {
        String id = "refused-with-session";
        try (RawMqttClient first = connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, id, false)
                        .properties(props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300))))) {
            first.send(Wire.disconnect(0, MqttProperties.NO_PROPERTIES));
            assertThat(first.awaitClosed(TIMEOUT)).isTrue();
        }
        MqttProperties withAuth = props(
                intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300),
                new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "NOT-SUPPORTED"));
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            MqttConnAckMessage ack = connAck(client.send(
                    connect(MqttVersion.MQTT_5, id, false).properties(withAuth).build()));
            assertThat(ack.variableHeader().connectReturnCode().byteValue() & 0xFF)
                    .isGreaterThanOrEqualTo(0x80);
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT-3.1.4-6 data behind a refused CONNECT is not processed")
    void mqtt_3_1_4_6_packetsBehindARefusedConnectAreIgnored() throws Exception {
        String topic = "conf/after-refusal";
        List<Mqtt5Publish> got = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient sub = v5("after-refusal-sub");
        try {
            sub.toAsync()
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(got::add)
                    .send()
                    .join();
            MqttProperties auth =
                    props(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "NOT-SUPPORTED"));
            byte[] bytes = Wire.encode(
                    MqttVersion.MQTT_5,
                    connect(MqttVersion.MQTT_5, "refused-then-publish", true)
                            .properties(auth)
                            .build(),
                    Wire.publish(topic, "must not pass", 0, 0));
            try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
                client.sendBytes(bytes);
                assertThat(connAck(client).variableHeader().connectReturnCode())
                        .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD);
                assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            }
            // A marker from a real client proves delivery works; the refused client's PUBLISH never came.
            sub.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("marker".getBytes())
                    .send();
            await().atMost(TIMEOUT).until(() -> !got.isEmpty());
            assertThat(got)
                    .extracting(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .containsExactly("marker");
        } finally {
            sub.disconnect();
        }
    }

    @Test
    @DisplayName("MQTT-3.2.0-2 the server sends one CONNACK per connection")
    void mqtt_3_2_0_2_oneConnAckPerConnection() throws Exception {
        try (RawMqttClient client = connected(broker.mqttPort(), MqttVersion.MQTT_5, "one-connack")) {
            client.send(MqttMessage.PINGREQ);
            assertThat(Wire.next(client, MqttMessageType.PINGRESP)).isNotNull();
            assertThat(client.read(Duration.ofMillis(300))).isNull();
        }
    }

    /** A refusing CONNACK (return / reason code not 0) or none at all, then the close. */
    private static void assertRefusedOrSilent(RawMqttClient client) throws Exception {
        MqttMessage m = client.read(TIMEOUT);
        if (m != null) {
            assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
            assertThat(((MqttConnAckMessage) m).variableHeader().connectReturnCode())
                    .isNotEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
        assertThat(client.awaitClosed(TIMEOUT)).isTrue();
    }

    private static Mqtt5BlockingClient v5(String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        c.connect();
        return c;
    }
}
