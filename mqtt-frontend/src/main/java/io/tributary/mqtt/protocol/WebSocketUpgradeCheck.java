/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an HTTP request that must not become an MQTT WebSocket before Netty's handshake sees it: another path
 * (404), no {@code mqtt} or {@code mqttv3.1} among the offered subprotocols (400; MQTT 5.0 section 6 says the
 * client offers {@code mqtt}), an Origin not in {@code mqtt.ws.allowed.origins} (403). Leaves the pipeline after
 * the upgrade.
 */
final class WebSocketUpgradeCheck extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgradeCheck.class);

    /** The subprotocols served: {@code mqtt} (MQTT 3.1.1 and 5) and {@code mqttv3.1} (older clients). */
    static final String SUBPROTOCOLS = "mqtt,mqttv3.1";

    private final ListenerTransport.WebSocket settings;

    WebSocketUpgradeCheck(ListenerTransport.WebSocket settings) {
        this.settings = settings;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String refusal = refusal(request);
        if (refusal == null) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        HttpResponseStatus status = HttpResponseStatus.valueOf(Integer.parseInt(refusal.substring(0, 3)));
        LOG.info("Refusing WebSocket upgrade from {}: {}", ctx.channel().remoteAddress(), refusal);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(refusal + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers()
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** Why the request is refused, starting with the HTTP status; null to go on with the upgrade. */
    private String refusal(FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals(settings.path())) {
            return "404 no MQTT WebSocket at " + path + " (it is at " + settings.path() + ")";
        }
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        List<String> offers = offered == null
                ? List.of()
                : Arrays.stream(offered.split(",")).map(String::trim).toList();
        if (!offers.contains("mqtt") && !offers.contains("mqttv3.1")) {
            return "400 the WebSocket subprotocol must be mqtt (or mqttv3.1), offered: " + offered;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null
                && !settings.allowedOrigins().isEmpty()
                && !settings.allowedOrigins().contains(origin)) {
            return "403 origin " + origin + " is not in mqtt.ws.allowed.origins";
        }
        return null;
    }
}
