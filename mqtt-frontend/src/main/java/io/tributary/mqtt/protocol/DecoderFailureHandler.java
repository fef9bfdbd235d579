/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.LimitKind;
import io.tributary.mqtt.wire.Packets;
import io.tributary.mqtt.wire.ReasonCodes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a packet the decoder could not read into the answer the specification names: before CONNECT
 * completes a CONNACK with a return / reason code, afterwards (MQTT 5) a DISCONNECT with one; then the
 * connection is closed. Logged once per connection at INFO; no stack trace per bad packet.
 */
public final class DecoderFailureHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(DecoderFailureHandler.class);
    /** Set by Netty's MQTT decoder once it has read the protocol level of CONNECT. */
    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    /** The packet's length in Netty's message "message length exceeds 1024: 2000", when it has one. */
    private static final Pattern PACKET_LENGTH = Pattern.compile("exceeds \\d+: (\\d+)");

    private final BrokerMetrics metrics;
    private final int maxPacketSize;
    private boolean failed;

    /** @param maxPacketSize the decoder's limit, named in the log line of a packet beyond it */
    public DecoderFailureHandler(BrokerMetrics metrics, int maxPacketSize) {
        this.metrics = metrics;
        this.maxPacketSize = maxPacketSize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m) || m.decoderResult().isSuccess()) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        if (failed) {
            return;
        }
        failed = true;
        Throwable cause = m.decoderResult().cause();
        if (cause instanceof TooLongFrameException) {
            metrics.limitHit(LimitKind.PACKET_SIZE);
        }
        if (ctx.pipeline().get(MqttPipeline.SESSION) instanceof Connection established) {
            // The session counts and logs the violation, answers DISCONNECT (MQTT 5) and publishes the will.
            established.protocolViolation(disconnectReason(cause), describe(cause, maxPacketSize));
            return;
        }
        metrics.protocolError();
        boolean v5 = ctx.channel().attr(VERSION).get() == MqttVersion.MQTT_5;
        LOG.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), describe(cause, maxPacketSize));
        Byte code = connackCode(cause, v5);
        if (code == null) {
            ctx.close();
            return;
        }
        // From the tail: this handler sits before the encoder, so ctx.write would bypass it.
        ctx.channel()
                .writeAndFlush(Packets.connAck(code, false, MqttProperties.NO_PROPERTIES))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * What was wrong, for the log and the Reason String. A packet over the limit names the setting and its value,
     * so the operator sees which knob to turn: Netty's own text ("message length exceeds 1048576: 2000000") does
     * not.
     */
    static String describe(Throwable cause, int maxPacketSize) {
        if (!(cause instanceof TooLongFrameException)) {
            return "malformed packet: " + cause.getMessage();
        }
        Matcher size = PACKET_LENGTH.matcher(String.valueOf(cause.getMessage()));
        return (size.find() ? "packet of " + size.group(1) + " bytes" : "packet") + " is larger than "
                + BrokerConfig.MAX_PACKET_SIZE_CONFIG + "=" + maxPacketSize + " bytes";
    }

    static byte disconnectReason(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return ReasonCodes.PACKET_TOO_LARGE;
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("topic name")) {
            return ReasonCodes.TOPIC_NAME_INVALID;
        }
        if (cause instanceof IllegalArgumentException
                && (message.startsWith("invalid QoS") || message.contains("RetainedHandlingPolicy"))) {
            // Netty rejects these while reading the Subscription Options; MQTT 5 section 3.8.3.1 calls a
            // Maximum QoS of 3 and a Retain Handling of 3 a Protocol Error, not a Malformed Packet.
            return ReasonCodes.PROTOCOL_ERROR;
        }
        return ReasonCodes.MALFORMED_PACKET;
    }

    /** The CONNACK code for a CONNECT that could not be decoded; null to just close (MQTT 3.1.1 has none). */
    static Byte connackCode(Throwable cause, boolean v5) {
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            // Answered in the 3.1.1 form: the client's own level is one we do not speak [MQTT-3.1.2-2].
            return ReasonCodes.V3_UNACCEPTABLE_PROTOCOL_VERSION;
        }
        if (cause instanceof MqttIdentifierRejectedException) {
            return v5 ? ReasonCodes.CLIENT_IDENTIFIER_NOT_VALID : ReasonCodes.V3_IDENTIFIER_REJECTED;
        }
        if (!v5) {
            return null;
        }
        return cause instanceof TooLongFrameException ? ReasonCodes.PACKET_TOO_LARGE : ReasonCodes.MALFORMED_PACKET;
    }
}
