/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.RawPackets.READ_TIMEOUT;
import static io.tributary.mqtt.it.RawPackets.connect;
import static io.tributary.mqtt.it.RawPackets.connected;
import static io.tributary.mqtt.it.RawPackets.disconnectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bytes no conforming client sends, after a successful CONNECT: the offender is disconnected (MQTT 5 with
 * the reason code first [MQTT-4.13.1-1]), the violation is counted, and a healthy client on the same node
 * carries on publishing and receiving.
 */
class MalformedInputIT {

    private static final int MAX_PACKET = 1024;
    private static final AtomicInteger IDS = new AtomicInteger();

    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.withSettings(Map.of(BrokerConfig.MAX_PACKET_SIZE_CONFIG, MAX_PACKET));

    static MqttClient healthy;
    static final List<String> healthyReceived = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        healthy = new MqttClient(TestBroker.uri(broker.node()), "healthy", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        healthy.connect(o);
        healthy.subscribe(
                "healthy/#", 1, (t, m) -> healthyReceived.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (healthy != null) {
            healthy.disconnect();
            healthy.close();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void remainingLengthOfFiveBytesIsMalformed(MqttVersion version) throws Exception {
        // MQTT 3.1.1 section 2.2.3 / MQTT 5 section 1.5.5: the Remaining Length has at most four bytes.
        assertDisconnected(
                version,
                ReasonCodes.MALFORMED_PACKET,
                client -> client.sendBytes(bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void subscribeWithReservedFlagsNotSetToTwoIsMalformed(MqttVersion version) throws Exception {
        // [MQTT-3.8.1-1]: bits 3..0 of the SUBSCRIBE fixed header must be 0010; here they are 0000.
        assertDisconnected(
                version,
                ReasonCodes.MALFORMED_PACKET,
                client -> client.sendBytes(packet(version, 0x80, ints(0, 1), ints(0, 1, 'a', 0))));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void publishLargerThanTheMaximumPacketSizeIsTooLarge(MqttVersion version) throws Exception {
        // [MQTT-3.2.2-15]: a client must not exceed the server's Maximum Packet Size; MQTT 5 answers 0x95.
        String big = "x".repeat(2 * MAX_PACKET);
        assertDisconnected(
                version, ReasonCodes.PACKET_TOO_LARGE, client -> client.send(RawPackets.publish("big", big, 0, 0)));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void wildcardInAPublishTopicNameIsInvalid(MqttVersion version) throws Exception {
        // [MQTT-3.3.2-2]: the Topic Name in a PUBLISH must not contain wildcard characters.
        assertDisconnected(
                version,
                ReasonCodes.TOPIC_NAME_INVALID,
                client -> client.sendBytes(packet(version, 0x30, ints(0, 3, 'a', '/', '+'), ints())));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void invalidUtf8InATopicNameIsMalformed(MqttVersion version) throws Exception {
        // [MQTT-1.5.4-1] (3.1.1: [MQTT-1.5.3-1]): ill-formed UTF-8 (0xC3 0x28) is a Malformed Packet.
        assertDisconnected(
                version,
                ReasonCodes.MALFORMED_PACKET,
                client -> client.sendBytes(packet(version, 0x30, ints(0, 3, 'a', 0xC3, 0x28), ints())));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void publishWithQos3IsMalformed(MqttVersion version) throws Exception {
        // [MQTT-3.3.1-4]: both QoS bits set is a Malformed Packet.
        assertDisconnected(
                version,
                ReasonCodes.MALFORMED_PACKET,
                client -> client.sendBytes(packet(version, 0x36, ints(0, 1, 'a', 0, 1), ints())));
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void qos1PublishWithPacketIdentifierZeroIsRejected(MqttVersion version) throws Exception {
        // [MQTT-2.2.1-3] (3.1.1: [MQTT-2.3.1-1]): a QoS 1 PUBLISH needs a non-zero Packet Identifier.
        assertDisconnected(
                version,
                ReasonCodes.MALFORMED_PACKET,
                client -> client.sendBytes(packet(version, 0x32, ints(0, 1, 'a', 0, 0), ints())));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    interface Offence {
        void commit(RawMqttClient client) throws IOException;
    }

    /**
     * Connects, commits the offence and expects: MQTT 5 a DISCONNECT with {@code v5Reason}, 3.1.1 no answer;
     * then the close, one more protocol error on the node, and a healthy client that still gets its messages.
     */
    private static void assertDisconnected(MqttVersion version, byte v5Reason, Offence offence) throws Exception {
        long errorsBefore = broker.node().metrics().getProtocolErrors();
        String clientId = "offender-" + IDS.incrementAndGet();
        try (RawMqttClient client = connected(broker.mqttPort(), version, connect(version, clientId, true, 60))) {
            offence.commit(client);
            if (version == MqttVersion.MQTT_5) {
                assertThat(disconnectReason(client)).isEqualTo(v5Reason);
            } else {
                assertThat(client.read(READ_TIMEOUT))
                        .as("MQTT 3.1.1 gets no answer, only the close")
                        .isNull();
            }
            assertThat(client.awaitClosed(READ_TIMEOUT)).as("connection closed").isTrue();
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() ->
                        assertThat(broker.node().metrics().getProtocolErrors()).isEqualTo(errorsBefore + 1));
        String payload = "still-alive-" + clientId;
        healthy.publish("healthy/" + clientId, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(15)).until(() -> healthyReceived.contains(payload));
    }

    private static int[] ints(int... values) {
        return values;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /**
     * A small packet: fixed header byte, remaining length, the bytes before the properties, an empty property
     * length when the version is MQTT 5, and the rest.
     */
    private static byte[] packet(MqttVersion version, int firstByte, int[] beforeProperties, int[] afterProperties) {
        boolean v5 = version == MqttVersion.MQTT_5;
        int remaining = beforeProperties.length + (v5 ? 1 : 0) + afterProperties.length;
        byte[] b = new byte[2 + remaining];
        int i = 0;
        b[i++] = (byte) firstByte;
        b[i++] = (byte) remaining;
        for (int v : beforeProperties) {
            b[i++] = (byte) v;
        }
        if (v5) {
            b[i++] = 0;
        }
        for (int v : afterProperties) {
            b[i++] = (byte) v;
        }
        return b;
    }
}
