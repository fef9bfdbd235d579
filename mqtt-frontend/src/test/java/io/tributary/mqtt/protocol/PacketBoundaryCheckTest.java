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
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.wire.ReasonCodes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packet check in front of Netty's decoder, with the decoder and the decoder-failure handler behind it. */
class PacketBoundaryCheckTest {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final int MAX_PACKET = 1024;

    private final BrokerMetrics metrics = BrokerMetrics.inMemory();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Byte> violations = new ArrayList<>();

    PacketBoundaryCheckTest() {
        PacketBoundaryCheck check = new PacketBoundaryCheck(MAX_PACKET);
        channel.pipeline()
                .addLast(MqttPipeline.PACKET_CHECK, check)
                .addLast(MqttPipeline.DECODER, new MqttDecoder(MAX_PACKET, 23))
                .addLast(MqttPipeline.DECODED_COUNT, check.decoded())
                .addLast(MqttPipeline.DECODER_FAILURE, new DecoderFailureHandler(metrics, MAX_PACKET))
                .addLast(MqttPipeline.ENCODER, MqttEncoder.INSTANCE);
    }

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @Test
    void connectWhoseProtocolNameRunsPastThePacketIsRefusedAtOnce() {
        // The decoder alone waits for 65,535 name bytes that will never come (until the connect timeout).
        int[] connect = new int[2 + 32];
        connect[0] = 0x10;
        connect[1] = 0x20;
        connect[2] = 0xFF;
        connect[3] = 0xFF;
        feed(connect);
        assertThat(channel.isOpen())
                .as("closed at once: no protocol level could be read, so no CONNACK")
                .isFalse();
        assertThat(metrics.getProtocolErrors()).isEqualTo(1);
    }

    @Test
    void mqtt5ConnectWhoseClientIdRunsPastThePacketGetsMalformedPacket() {
        // CONNECT "MQTT" 5, clean start, keep alive 60, no properties, client id length 0x00FF with 1 byte.
        feed(0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 0xFF, 'a');
        assertThat(connAckCode()).isEqualTo(ReasonCodes.MALFORMED_PACKET);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void validConnectInPiecesIsPassedOn() {
        int[] connect = {0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 1, 'a'};
        for (int b : connect) {
            feed(b);
        }
        assertThat(channel.isOpen()).isTrue();
        MqttMessage m = channel.readInbound();
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNECT);
        assertThat(violations).isEmpty();
    }

    @Test
    void mqtt5SubscriptionOptionsWithReservedBitsSetAreAMalformedPacket() {
        // [MQTT-3.8.3-5]: bits 6 and 7 of the options byte are reserved.
        established(MqttVersion.MQTT_5);
        // PINGREQ, then SUBSCRIBE id 1, no properties, "a" options 0x01 and "b" options 0x41.
        feed(0xC0, 0, 0x82, 10, 0, 1, 0, 0, 1, 'a', 0x01, 0, 1, 'b', 0x41);
        MqttMessage ping = channel.readInbound();
        assertThat(ping.fixedHeader().messageType())
                .as("packets in front of it are still processed")
                .isEqualTo(MqttMessageType.PINGREQ);
        assertThat((Object) channel.readInbound())
                .as("the SUBSCRIBE never gets through")
                .isNull();
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void reservedBitsAreFoundWhenTheSubscribeArrivesByteByByte() {
        established(MqttVersion.MQTT_5);
        // With a Subscription Identifier property (0x0B, 7) in front of the filters.
        int[] subscribe = {0x82, 9, 0, 1, 2, 0x0B, 7, 0, 1, 'a', 0x80};
        for (int b : subscribe) {
            feed(b);
        }
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void mqtt5SubscribeWithEveryDefinedOptionIsPassedOn() {
        established(MqttVersion.MQTT_5);
        // QoS 2, No Local, Retain As Published, Retain Handling 2: 0b00101110.
        feed(0x82, 7, 0, 1, 0, 0, 1, 'a', 0x2E, 0xC0, 0);
        MqttMessage m = channel.readInbound();
        assertThat(m).isInstanceOf(MqttSubscribeMessage.class);
        assertThat(((MqttMessage) channel.readInbound()).fixedHeader().messageType())
                .isEqualTo(MqttMessageType.PINGREQ);
        assertThat(violations).isEmpty();
    }

    @Test
    void mqtt311SubscriptionOptionsAboveTheQosBitsAreMalformed() {
        // MQTT 3.1.1 [MQTT-3-8.3-4]: bits 2 to 7 of the requested QoS byte are reserved.
        established(MqttVersion.MQTT_3_1_1);
        feed(0x82, 6, 0, 1, 0, 1, 'a', 0x05);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    @Test
    void subscribeFieldRunningPastItsPacketIsMalformedRatherThanReadIntoTheNext() {
        established(MqttVersion.MQTT_5);
        // SUBSCRIBE whose filter length (0x00FF) runs past its 6 bytes, then a PINGREQ.
        feed(0x82, 6, 0, 1, 0, 0, 0xFF, 'a', 0xC0, 0);
        assertThat(violations).containsExactly(ReasonCodes.MALFORMED_PACKET);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private void feed(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        channel.writeInbound(Unpooled.wrappedBuffer(b));
    }

    private void established(MqttVersion version) {
        channel.attr(VERSION).set(version);
        channel.pipeline().addLast(MqttPipeline.SESSION, new RecordingConnection());
    }

    private byte connAckCode() {
        EmbeddedChannel client = new EmbeddedChannel(new MqttDecoder());
        client.attr(VERSION).set(MqttVersion.MQTT_5);
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("CONNACK bytes").isNotNull();
        client.writeInbound(out);
        MqttMessage m = client.readInbound();
        try {
            return ((MqttConnAckMessage) m).variableHeader().connectReturnCode().byteValue();
        } finally {
            ReferenceCountUtil.release(m);
            client.finishAndReleaseAll();
        }
    }

    /** Stands in for the session handler: records violations, passes valid packets on to the test. */
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
        }
    }
}
