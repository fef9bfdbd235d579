/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between WebSocket frames and the MQTT codec. Inbound, the payload of each binary frame goes on as bytes: the
 * MQTT decoder accumulates them, so a packet split across frames and several packets in one frame both decode
 * (MQTT 5.0 section 6: frame boundaries mean nothing [MQTT-6.0.0-2]). A text frame closes the connection
 * [MQTT-6.0.0-1]. Outbound, each encoded packet goes out as one binary frame. It follows the packet boundaries of
 * the byte stream (fixed header and Remaining Length only), so a WebSocket that ends in the middle of a packet is
 * logged as such: nothing of that packet is processed.
 */
final class WebSocketFrameCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameCodec.class);

    // Where the inbound stream is in the current packet: header bytes seen (0: at a boundary), and once the
    // Remaining Length is complete, the body bytes still to come.
    private int headerBytes;
    private int packetType;
    private long remainingLength;
    private long multiplier;
    private long bodyToCome = -1;

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf packet, List<Object> out) {
        out.add(new BinaryWebSocketFrame(packet.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            follow(frame.content());
            out.add(frame.content().retain());
            return;
        }
        // Ping, pong and close are answered by Netty's protocol handler before this one: what is left is text.
        LOG.info(
                "Closing WebSocket from {}: a {}, MQTT travels in binary frames [MQTT-6.0.0-1]",
                ctx.channel().remoteAddress(),
                frame.getClass().getSimpleName().replace("WebSocketFrame", " frame"));
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (headerBytes > 0) {
            String packet = packetType > 0 && packetType < 16
                    ? MqttMessageType.valueOf(packetType).name()
                    : "?";
            LOG.info(
                    "WebSocket from {} ended in the middle of a {} packet ({}): the packet is dropped",
                    ctx.channel().remoteAddress(),
                    packet,
                    bodyToCome < 0
                            ? "its Remaining Length incomplete"
                            : bodyToCome + " of its " + remainingLength + " bytes missing");
        }
        super.channelInactive(ctx);
    }

    /** Moves over the bytes of one frame, packet by packet (the MQTT decoder refuses a malformed length). */
    private void follow(ByteBuf bytes) {
        int at = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (at < end) {
            if (bodyToCome > 0) {
                int skip = (int) Math.min(bodyToCome, end - at);
                at += skip;
                bodyToCome -= skip;
                if (bodyToCome == 0) {
                    headerBytes = 0;
                }
                continue;
            }
            int b = bytes.getByte(at++) & 0xFF;
            if (headerBytes == 0) {
                packetType = b >> 4;
                remainingLength = 0;
                multiplier = 1;
                bodyToCome = -1;
                headerBytes = 1;
                continue;
            }
            headerBytes++;
            remainingLength += (b & 0x7F) * multiplier;
            multiplier *= 128;
            if ((b & 0x80) == 0 || headerBytes > 5) {
                bodyToCome = remainingLength;
                if (bodyToCome == 0) {
                    headerBytes = 0;
                }
            }
        }
    }
}
