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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between WebSocket frames and the MQTT codec. Inbound, the payload of each binary frame goes on as bytes: the
 * MQTT decoder accumulates them, so a packet split across frames and several packets in one frame both decode
 * (MQTT 5.0 section 6: frame boundaries mean nothing [MQTT-6.0.0-2]). A text frame closes the connection
 * [MQTT-6.0.0-1]. Outbound, each encoded packet goes out as one binary frame.
 */
final class WebSocketFrameCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameCodec.class);

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf packet, List<Object> out) {
        out.add(new BinaryWebSocketFrame(packet.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
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
}
