/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
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
import org.jspecify.annotations.Nullable;

/**
 * Packets and handshakes at the byte level for the conformance suite: what the statements under test need
 * and no real client sends (reserved bits, withheld acknowledgements, packet ids reused on purpose).
 */
final class Wire {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Wire() {}

    static MqttMessageBuilders.ConnectBuilder connect(MqttVersion version, String clientId, boolean cleanStart) {
        return MqttMessageBuilders.connect()
                .protocolVersion(version)
                .clientId(clientId)
                .cleanSession(cleanStart)
                .keepAlive(60);
    }

    static MqttProperties props(MqttProperties.MqttProperty<?>... values) {
        MqttProperties props = new MqttProperties();
        for (MqttProperties.MqttProperty<?> p : values) {
            props.add(p);
        }
        return props;
    }

    static MqttProperties.IntegerProperty intProp(int id, int value) {
        return new MqttProperties.IntegerProperty(id, value);
    }

    /** Opens a connection and returns it once the broker accepted the CONNECT. */
    static RawMqttClient connected(int port, MqttVersion version, MqttMessageBuilders.ConnectBuilder connect)
            throws IOException {
        RawMqttClient client = new RawMqttClient(port, version);
        MqttConnAckMessage ack = connAck(client.send(connect.build()));
        assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        return client;
    }

    static RawMqttClient connected(int port, MqttVersion version, String clientId) throws IOException {
        return connected(port, version, connect(version, clientId, true));
    }

    /** The next packet, which must be a CONNACK. */
    static MqttConnAckMessage connAck(RawMqttClient client) throws IOException {
        return (MqttConnAckMessage) next(client, MqttMessageType.CONNACK);
    }

    /** The next packet, which must be of {@code type}; the caller releases it if it holds a buffer. */
    static MqttMessage next(RawMqttClient client, MqttMessageType type) throws IOException {
        MqttMessage m = client.read(TIMEOUT);
        assertThat(m).as(type.toString()).isNotNull();
        if (m.fixedHeader().messageType() != type) {
            ReferenceCountUtil.release(m);
            throw new AssertionError(
                    "expected " + type + " but got " + m.fixedHeader().messageType());
        }
        return m;
    }

    /** The next PUBLISH, copied out of its buffer. */
    static Received nextPublish(RawMqttClient client) throws IOException {
        return Received.of((MqttPublishMessage) next(client, MqttMessageType.PUBLISH));
    }

    /** The next packet if one arrives within {@code timeout}, copied as a {@link Received} when a PUBLISH. */
    static @Nullable Object poll(RawMqttClient client, Duration timeout) throws IOException {
        MqttMessage m = client.read(timeout);
        if (m instanceof MqttPublishMessage p) {
            return Received.of(p);
        }
        return m;
    }

    /** The reason code of the next packet, which must be a DISCONNECT. */
    static int disconnectReason(RawMqttClient client) throws IOException {
        return ((MqttReasonCodeAndPropertiesVariableHeader)
                                next(client, MqttMessageType.DISCONNECT).variableHeader())
                        .reasonCode()
                & 0xFF;
    }

    /** Packet id and reason code of an acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP). */
    record Reply(MqttMessageType type, int packetId, int reason) {
        static Reply of(MqttMessage m) {
            if (m.variableHeader() instanceof MqttPubReplyMessageVariableHeader h) {
                return new Reply(m.fixedHeader().messageType(), h.messageId(), h.reasonCode() & 0xFF);
            }
            return new Reply(
                    m.fixedHeader().messageType(), ((MqttMessageIdVariableHeader) m.variableHeader()).messageId(), 0);
        }
    }

    static Reply nextReply(RawMqttClient client, MqttMessageType type) throws IOException {
        return Reply.of(next(client, type));
    }

    /** A PUBLISH the broker sent, with its buffer already released. */
    record Received(
            String topic,
            String payload,
            int qos,
            boolean dup,
            boolean retain,
            int packetId,
            MqttProperties properties) {
        static Received of(MqttPublishMessage p) {
            try {
                return new Received(
                        p.variableHeader().topicName(),
                        p.payload().toString(StandardCharsets.UTF_8),
                        p.fixedHeader().qosLevel().value(),
                        p.fixedHeader().isDup(),
                        p.fixedHeader().isRetain(),
                        p.variableHeader().packetId(),
                        p.variableHeader().properties());
            } finally {
                p.release();
            }
        }
    }

    static MqttPublishMessage publish(String topic, String payload, int qos, int packetId) {
        return publish(topic, payload, qos, packetId, MqttProperties.NO_PROPERTIES);
    }

    static MqttPublishMessage publish(String topic, String payload, int qos, int packetId, MqttProperties props) {
        return MqttMessageBuilders.publish()
                .topicName(topic)
                .qos(MqttQoS.valueOf(qos))
                .messageId(packetId)
                .properties(props)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8))
                .build();
    }

    static MqttMessage subscribe(int packetId, String filter, int qos) {
        return MqttMessageBuilders.subscribe()
                .messageId(packetId)
                .addSubscription(MqttQoS.valueOf(qos), filter)
                .build();
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP with a reason code (MQTT 3.1.1 encodes only the packet id). */
    static MqttMessage reply(MqttMessageType type, int packetId, int reason) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(
                new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reason, MqttProperties.NO_PROPERTIES));
    }

    static MqttMessage disconnect(int reason, MqttProperties props) {
        return MqttMessageBuilders.disconnect()
                .reasonCode((byte) reason)
                .properties(props)
                .build();
    }

    /** The bytes of the packets as a client of {@code version} sends them, for writing several at once. */
    static byte[] encode(MqttVersion version, MqttMessage... messages) {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.attr(AttributeKey.<MqttVersion>valueOf("NETTY_CODEC_MQTT_VERSION"))
                .set(version);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MqttMessage m : messages) {
            encoder.writeOutbound(m);
            ByteBuf buf;
            while ((buf = encoder.readOutbound()) != null) {
                try {
                    out.writeBytes(ByteBufUtil.getBytes(buf));
                } finally {
                    buf.release();
                }
            }
        }
        encoder.finishAndReleaseAll();
        return out.toByteArray();
    }

    /**
     * A small packet built by hand: first byte, remaining length (one byte), the bytes before the
     * properties, a zero property length for MQTT 5, and the rest.
     */
    static byte[] packet(MqttVersion version, int firstByte, int[] beforeProperties, int... afterProperties) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int b : beforeProperties) {
            body.write(b);
        }
        if (version == MqttVersion.MQTT_5) {
            body.write(0);
        }
        for (int b : afterProperties) {
            body.write(b);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        out.write(body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static int[] ints(int... values) {
        return values;
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
