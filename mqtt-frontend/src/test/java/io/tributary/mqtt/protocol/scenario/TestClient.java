/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A client on one connection of the harness: its packets are encoded with Netty's MqttEncoder and written to
 * the server channel as bytes (so the node's real decoder reads them); what the node writes back is decoded with
 * a client-side MqttDecoder.
 */
final class TestClient {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final ProtocolHarness harness;
    private final EmbeddedChannel channel;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(256 * 1024 * 1024));

    TestClient(ProtocolHarness harness, EmbeddedChannel channel, MqttVersion version) {
        this.harness = harness;
        this.channel = channel;
        encoder.attr(VERSION).set(version);
        decoder.attr(VERSION).set(version);
    }

    EmbeddedChannel channel() {
        return channel;
    }

    /** Sends a packet (released) and lets the node work on it. */
    TestClient send(MqttMessage message) {
        encoder.writeOutbound(message);
        ByteBuf buf;
        while ((buf = encoder.readOutbound()) != null) {
            if (channel.isActive()) {
                channel.writeInbound(buf);
            } else {
                buf.release();
            }
        }
        harness.settle();
        return this;
    }

    /**
     * Sends a packet and runs this connection's event loop only, not the node's other work: a packet that the node
     * reads on another event loop while it is in the middle of something else (closing another connection, say).
     */
    TestClient sendMeanwhile(MqttMessage message) {
        encoder.writeOutbound(message);
        ByteBuf buf;
        while ((buf = encoder.readOutbound()) != null) {
            channel.writeInbound(buf);
        }
        channel.runPendingTasks();
        return this;
    }

    /** Sends the packets as one write, as a client that does not wait for CONNACK pipelines them. */
    TestClient sendInOneWrite(MqttMessage... messages) {
        for (MqttMessage m : messages) {
            encoder.writeOutbound(m);
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf buf;
        while ((buf = encoder.readOutbound()) != null) {
            all.writeBytes(buf);
            buf.release();
        }
        channel.writeInbound(all);
        harness.settle();
        return this;
    }

    TestClient sendBytes(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        channel.writeInbound(Unpooled.wrappedBuffer(raw));
        harness.settle();
        return this;
    }

    /** The connection drops without DISCONNECT. */
    void drop() {
        channel.close();
        harness.settle();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** The next packet the node wrote, or null; the caller releases it if it holds a buffer. */
    @Nullable
    MqttMessage next() {
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            decoder.writeInbound(buf);
        }
        MqttMessage m = decoder.readInbound();
        if (m != null) {
            assertThat(m.decoderResult().isSuccess())
                    .as("server packet decodes: %s", m.decoderResult())
                    .isTrue();
        }
        return m;
    }

    /** The next packet, which must be of {@code type}. */
    MqttMessage expect(MqttMessageType type) {
        MqttMessage m = next();
        assertThat(m).as("a %s from the node", type).isNotNull();
        if (m.fixedHeader().messageType() != type) {
            ReferenceCountUtil.release(m);
            throw new AssertionError(
                    "expected " + type + " but got " + m.fixedHeader().messageType());
        }
        return m;
    }

    /** The next packet, waiting (bounded) for work the node does off the event loop (password hashing). */
    MqttMessage awaitNext() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            harness.settle();
            MqttMessage m = next();
            if (m != null) {
                return m;
            }
            LockSupport.parkNanos(100_000);
        }
        throw new AssertionError("no packet from the node");
    }

    MqttConnAckMessage connAck() {
        return (MqttConnAckMessage) expect(MqttMessageType.CONNACK);
    }

    /** The CONNACK's return / reason code, as an unsigned byte. */
    int connAckCode() {
        return connAck().variableHeader().connectReturnCode().byteValue() & 0xFF;
    }

    Received publish() {
        return Received.of((MqttPublishMessage) expect(MqttMessageType.PUBLISH));
    }

    Reply reply(MqttMessageType type) {
        return Reply.of(expect(type));
    }

    /** The reason codes of the next SUBACK. */
    List<Integer> subAck() {
        MqttSubAckMessage m = (MqttSubAckMessage) expect(MqttMessageType.SUBACK);
        return m.payload().reasonCodes();
    }

    /** The reason codes of the next UNSUBACK (MQTT 5). */
    List<Short> unsubAck() {
        MqttUnsubAckMessage m = (MqttUnsubAckMessage) expect(MqttMessageType.UNSUBACK);
        return m.payload().unsubscribeReasonCodes();
    }

    int disconnectReason() {
        return ((MqttReasonCodeAndPropertiesVariableHeader)
                                expect(MqttMessageType.DISCONNECT).variableHeader())
                        .reasonCode()
                & 0xFF;
    }

    void expectNothing() {
        MqttMessage m = next();
        if (m != null) {
            String type = m.fixedHeader().messageType().toString();
            ReferenceCountUtil.release(m);
            throw new AssertionError("expected no packet but got " + type);
        }
    }

    /** Packet id and reason code of PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK. */
    record Reply(MqttMessageType type, int packetId, int reason) {
        static Reply of(MqttMessage m) {
            if (m.variableHeader() instanceof MqttPubReplyMessageVariableHeader h) {
                return new Reply(m.fixedHeader().messageType(), h.messageId(), h.reasonCode() & 0xFF);
            }
            return new Reply(
                    m.fixedHeader().messageType(), ((MqttMessageIdVariableHeader) m.variableHeader()).messageId(), 0);
        }
    }

    /** A PUBLISH the node sent, copied out of its buffer. */
    record Received(
            String topic, String payload, int qos, boolean dup, boolean retain, int packetId, MqttProperties props) {
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

        @Nullable
        Integer intProperty(int id) {
            var p = props.getProperty(id);
            return p == null ? null : (Integer) p.value();
        }

        /** Every value of a property that may repeat (Subscription Identifier). */
        List<Integer> intProperties(int id) {
            return props.getProperties(id).stream()
                    .map(p -> (Integer) p.value())
                    .toList();
        }
    }

    void release() {
        Object m;
        channel.finishAndReleaseAll();
        while ((m = decoder.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
