/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.wire.ReasonCodes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client hears when the decoder cannot read its packet: before CONNECT completes a CONNACK with the
 * return / reason code, afterwards the established connection's protocol violation (DISCONNECT in MQTT 5).
 * The handlers are arranged as {@link MqttPipeline} arranges them.
 */
class DecoderFailureHandlerTest {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final int MAX_PACKET = 1024;

    private final BrokerMetrics metrics = BrokerMetrics.inMemory();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final EmbeddedChannel clientDecoder = new EmbeddedChannel(new MqttDecoder(16 * 1024 * 1024));
    private final List<Byte> violations = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();

    DecoderFailureHandlerTest() {
        channel.pipeline()
                .addLast(MqttPipeline.DECODER, new MqttDecoder(MAX_PACKET, 23))
                .addLast(MqttPipeline.DECODER_FAILURE, new DecoderFailureHandler(metrics, MAX_PACKET))
                .addLast(MqttPipeline.ENCODER, MqttEncoder.INSTANCE);
    }

    @AfterEach
    void nothingPassedOnAndNothingLeft() {
        assertThat(channel.inboundMessages())
                .as("nothing reaches the protocol handlers")
                .isEmpty();
        assertThat(channel.finishAndReleaseAll()).as("no unread output").isFalse();
        clientDecoder.finishAndReleaseAll();
    }

    // ---- before CONNECT completes: CONNACK -------------------------------------------------------------

    @Test
    void unsupportedProtocolLevelIsAnsweredWithReturnCode1() {
        // [MQTT-3.1.2-2]
        feed(0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 60, 0, 1, 'a');
        assertThat(connAckCode(MqttVersion.MQTT_3_1_1)).isEqualTo(ReasonCodes.V3_UNACCEPTABLE_PROTOCOL_VERSION);
        assertClosedWithOneProtocolError();
    }

    @Test
    void protocolNameNotMatchingTheLevelIsAnsweredWithReturnCode1() {
        // "MQTT" with level 3 (which is "MQIsdp"): still a protocol version the server cannot accept.
        feed(0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 3, 0x02, 0, 60, 0, 1, 'a');
        assertThat(connAckCode(MqttVersion.MQTT_3_1_1)).isEqualTo(ReasonCodes.V3_UNACCEPTABLE_PROTOCOL_VERSION);
        assertClosedWithOneProtocolError();
    }

    @Test
    void mqtt31ClientIdentifierLongerThanAllowedIsAnsweredWithReturnCode2() {
        // MQTT 3.1 limits the client identifier to 23 characters; this one has 24.
        byte[] connect = new byte[2 + 8 + 1 + 1 + 2 + 2 + 24];
        int i = 0;
        connect[i++] = 0x10;
        connect[i++] = (byte) (connect.length - 2);
        for (byte b : new byte[] {0, 6, 'M', 'Q', 'I', 's', 'd', 'p', 3, 0x02, 0, 60, 0, 24}) {
            connect[i++] = b;
        }
        while (i < connect.length) {
            connect[i++] = 'x';
        }
        channel.writeInbound(Unpooled.wrappedBuffer(connect));
        assertThat(connAckCode(MqttVersion.MQTT_3_1_1)).isEqualTo(ReasonCodes.V3_IDENTIFIER_REJECTED);
        assertClosedWithOneProtocolError();
    }

    @Test
    void malformedMqtt5ConnectIsAnsweredWithMalformedPacket() {
        // [MQTT-3.1.2-3]: the reserved flag of CONNECT must be 0; MQTT 5 says why with CONNACK 0x81.
        feed(0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x03, 0, 60, 0, 0, 1, 'a');
        assertThat(connAckCode(MqttVersion.MQTT_5)).isEqualTo(ReasonCodes.MALFORMED_PACKET);
        assertClosedWithOneProtocolError();
    }

    @Test
    void mqtt5ConnectLargerThanTheMaximumPacketSizeIsAnsweredWithPacketTooLarge() {
        // The CONNECT claims 2000 bytes; the server accepts at most 1024 (CONNACK 0x95, Packet too large).
        byte[] head = {0x10, (byte) 0xD0, 0x0F, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 1, 'a'};
        channel.writeInbound(Unpooled.wrappedBuffer(head));
        assertThat(connAckCode(MqttVersion.MQTT_5)).isEqualTo(ReasonCodes.PACKET_TOO_LARGE);
        assertClosedWithOneProtocolError();
    }

    @Test
    void malformedMqtt311ConnectIsClosedWithoutAnAnswer() {
        // [MQTT-3.1.2-3]: MQTT 3.1.1 has no return code for a malformed CONNECT: just close.
        feed(0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x03, 0, 60, 0, 1, 'a');
        assertThat((Object) channel.readOutbound()).isNull();
        assertClosedWithOneProtocolError();
    }

    // ---- established: the connection's protocol violation ---------------------------------------------

    @Test
    void remainingLengthOfFiveBytesIsAMalformedPacket() {
        // MQTT 5 section 1.5.5: a Variable Byte Integer has at most four bytes.
        established(MqttVersion.MQTT_5);
        feed(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void subscribeWithReservedFlagsClearedIsAMalformedPacket() {
        // [MQTT-3.8.1-1]: bits 3..0 of SUBSCRIBE must be 0010.
        established(MqttVersion.MQTT_5);
        feed(0x80, 7, 0, 1, 0, 0, 1, 'a', 0);
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void publishWithWildcardInTheTopicNameIsTopicNameInvalid() {
        // [MQTT-3.3.2-2]
        established(MqttVersion.MQTT_5);
        feed(0x30, 6, 0, 3, 'a', '/', '+', 0);
        assertThat(violations).containsExactly(ReasonCodes.TOPIC_NAME_INVALID);
    }

    @Test
    void publishWithInvalidUtf8TopicIsAMalformedPacket() {
        // [MQTT-1.5.4-1]: ill-formed UTF-8 is a Malformed Packet.
        established(MqttVersion.MQTT_5);
        feed(0x30, 6, 0, 3, 'a', 0xC3, 0x28, 0);
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void publishWithQos3IsAMalformedPacket() {
        // [MQTT-3.3.1-4]
        established(MqttVersion.MQTT_5);
        feed(0x36, 6, 0, 1, 'a', 0, 1, 0);
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void publishLargerThanTheMaximumPacketSizeIsPacketTooLarge() {
        established(MqttVersion.MQTT_5);
        byte[] publish = new byte[3 + 2000];
        publish[0] = 0x30;
        publish[1] = (byte) 0xD0; // 2000 as a Variable Byte Integer
        publish[2] = 0x0F;
        publish[4] = 1;
        publish[5] = 'a';
        channel.writeInbound(Unpooled.wrappedBuffer(publish));
        assertThat(violations).containsExactly(ReasonCodes.PACKET_TOO_LARGE);
        // The log line and Reason String name the setting to raise and its value, not just Netty's numbers.
        assertThat(reasons).containsExactly("packet of 2000 bytes is larger than mqtt.max.packet.size=1024 bytes");
    }

    @Test
    void packetsAfterAMalformedOneAreIgnored() {
        established(MqttVersion.MQTT_5);
        feed(0x36, 6, 0, 1, 'a', 0, 1, 0);
        feed(0xC0, 0x00, 0x30, 6, 0, 3, 'a', '/', '+', 0);
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void theEstablishedConnectionCountsTheViolationNotTheDecoderHandler() {
        established(MqttVersion.MQTT_5);
        feed(0x36, 6, 0, 1, 'a', 0, 1, 0);
        assertThat(violations).hasSize(1);
        assertThat(metrics.getProtocolErrors())
                .as("counted once, by the connection")
                .isZero();
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private void feed(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        channel.writeInbound(Unpooled.wrappedBuffer(b));
    }

    /** As after a successful CONNECT: the version the decoder recorded and a session handler in place. */
    private void established(MqttVersion version) {
        channel.attr(VERSION).set(version);
        channel.pipeline().addLast(MqttPipeline.SESSION, new RecordingConnection());
    }

    private byte connAckCode(MqttVersion clientVersion) {
        clientDecoder.attr(VERSION).set(clientVersion);
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("CONNACK bytes").isNotNull();
        clientDecoder.writeInbound(out);
        MqttMessage m = clientDecoder.readInbound();
        try {
            assertThat(m.decoderResult().isSuccess()).isTrue();
            assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
            return ((MqttConnAckMessage) m).variableHeader().connectReturnCode().byteValue();
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    private void assertClosedWithOneProtocolError() {
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        assertThat(metrics.getProtocolErrors()).isEqualTo(1);
    }

    /** Stands in for the session handler: records the reason it is asked to disconnect with. */
    private final class RecordingConnection extends ChannelInboundHandlerAdapter implements Connection {
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            this.ctx = context;
        }

        @Override
        public ChannelHandlerContext context() {
            return ctx;
        }

        @Override
        public ConnectPolicy.Negotiated negotiated() {
            return ConnectPolicy.Negotiated.NONE;
        }

        @Override
        public void protocolViolation(byte reasonCode, String why) {
            violations.add(reasonCode);
            reasons.add(why);
        }
    }
}
