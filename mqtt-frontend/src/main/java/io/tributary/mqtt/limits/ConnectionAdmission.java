/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.limits;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.LimitKind;
import io.tributary.mqtt.wire.Packets;
import io.tributary.mqtt.wire.ReasonCodes;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a new connection or refuses it, node-wide limits first: open connections
 * (mqtt.max.connections) and connects per second from its source address (mqtt.connect.rate.per.address).
 * The decision is made when the connection opens; a refused connection is answered at its CONNECT, in the
 * client's protocol version, so it learns why (MQTT 5: 0x97 Quota exceeded / 0x9F Connection rate
 * exceeded; MQTT 3.1.1: 0x03 Server unavailable) [MQTT-3.2.2-5], and closed. An admitted connection passes its
 * CONNECT on and this handler leaves the pipeline. Refusals are counted; they are logged at DEBUG only, since a
 * flood of them is what these limits are for.
 */
public final class ConnectionAdmission extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final int maxConnections;
    private final ConnectRateLimiter rateLimiter;
    private final BrokerMetrics metrics;
    private byte refusal; // 0 = admitted

    public ConnectionAdmission(int maxConnections, ConnectRateLimiter rateLimiter, BrokerMetrics metrics) {
        this.maxConnections = maxConnections;
        this.rateLimiter = rateLimiter;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        AtomicLong open = metrics.openConnections();
        long count = open.incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
        if (count > maxConnections) {
            refusal = ReasonCodes.QUOTA_EXCEEDED;
            metrics.limitHit(LimitKind.MAX_CONNECTIONS);
        } else if (!rateLimiter.tryAcquire(addressOf(ctx.channel().remoteAddress()))) {
            refusal = ReasonCodes.CONNECTION_RATE_EXCEEDED;
            metrics.limitHit(LimitKind.CONNECT_RATE);
        }
        ctx.fireChannelActive();
    }

    private static java.net.InetAddress addressOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? inet.getAddress()
                : java.net.InetAddress.getLoopbackAddress();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refusal == 0) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (msg instanceof MqttConnectMessage connect && ctx.channel().isActive()) {
                boolean v5 = connect.variableHeader().version() == 5;
                byte code = v5 ? refusal : ReasonCodes.V3_SERVER_UNAVAILABLE;
                LOG.debug(
                        "Refusing CONNECT from {}: {}",
                        ctx.channel().remoteAddress(),
                        refusal == ReasonCodes.QUOTA_EXCEEDED
                                ? "mqtt.max.connections reached"
                                : "mqtt.connect.rate.per.address exceeded");
                // From the tail: the encoder sits before this handler.
                ctx.channel()
                        .writeAndFlush(Packets.connAck(code, false, MqttProperties.NO_PROPERTIES))
                        .addListener(ChannelFutureListener.CLOSE);
                refusal = -1; // answered once; anything after it is dropped
            } else {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
