/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.testing.RawMqttClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Packets and handshakes for the byte-level client, shared by the integration tests of this package. */
final class RawPackets {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private RawPackets() {}

    static MqttMessageBuilders.ConnectBuilder connect(
            MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds) {
        return MqttMessageBuilders.connect()
                .protocolVersion(version)
                .clientId(clientId)
                .cleanSession(cleanStart)
                .keepAlive(keepAliveSeconds);
    }

    /** MQTT 5 CONNECT properties with a Session Expiry Interval. */
    static MqttProperties sessionExpiry(int seconds) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, seconds));
        return props;
    }

    /** Opens a connection, sends the CONNECT and returns the client once the broker accepted it. */
    static RawMqttClient connected(int port, MqttVersion version, MqttMessageBuilders.ConnectBuilder connect)
            throws IOException {
        RawMqttClient client = new RawMqttClient(port, version);
        MqttConnAckMessage ack = connAck(client.send(connect.build()));
        assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        return client;
    }

    static RawMqttClient connected(int port, MqttVersion version, String clientId) throws IOException {
        return connected(port, version, connect(version, clientId, true, 60));
    }

    /** The next packet, which must be a CONNACK. */
    static MqttConnAckMessage connAck(RawMqttClient client) throws IOException {
        MqttMessage m = client.read(READ_TIMEOUT);
        assertThat(m).as("CONNACK").isNotNull();
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
        return (MqttConnAckMessage) m;
    }

    /** The next packet, which must be a DISCONNECT; returns its reason code. */
    static byte disconnectReason(RawMqttClient client) throws IOException {
        MqttMessage m = client.read(READ_TIMEOUT);
        assertThat(m).as("DISCONNECT").isNotNull();
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
        return ((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).reasonCode();
    }

    static MqttMessage disconnect(byte reason) {
        return MqttMessageBuilders.disconnect().reasonCode(reason).build();
    }

    static MqttPublishMessage publish(String topic, String payload, int qos, int packetId) {
        return MqttMessageBuilders.publish()
                .topicName(topic)
                .qos(MqttQoS.valueOf(qos))
                .messageId(packetId)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8))
                .build();
    }

    /** The next packet's type (the packet is released); null when none arrives in time. */
    static MqttMessageType nextType(RawMqttClient client, Duration timeout) throws IOException {
        MqttMessage m = client.read(timeout);
        if (m == null) {
            return null;
        }
        MqttMessageType type = m.fixedHeader().messageType();
        ReferenceCountUtil.release(m);
        return type;
    }

    /** The bytes of the packets, as one client of {@code version} would send them. */
    static byte[] encode(MqttVersion version, MqttMessage... messages) {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.attr(AttributeKey.<MqttVersion>valueOf("NETTY_CODEC_MQTT_VERSION"))
                .set(version);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MqttMessage m : messages) {
            encoder.writeOutbound(m);
            ByteBuf buf;
            while ((buf = encoder.readOutbound()) != null) {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                buf.release();
                out.writeBytes(b);
            }
        }
        encoder.finishAndReleaseAll();
        return out.toByteArray();
    }
}
