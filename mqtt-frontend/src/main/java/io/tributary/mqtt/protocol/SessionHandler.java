/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.OutboundWriter;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.wire.PacketSizes;
import io.tributary.mqtt.wire.Packets;
import io.tributary.mqtt.wire.PropertiesMapper;
import io.tributary.mqtt.wire.ReasonCodes;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel handler of an established session: routes each packet to its flow (publish in, subscribe,
 * outbound acknowledgements), answers PINGREQ, handles DISCONNECT, keep-alive timeouts and the end of
 * the connection. Installed by {@link ConnectGate} after a successful CONNECT.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter implements OutboundWriter, Connection {

    private final Clock clock;

    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);

    private final ClientSession session;
    private final SessionRegistry sessions;
    private final BrokerMetrics metrics;
    private final int clientMaxPacketSize;
    private final ConnectPolicy.Negotiated negotiated;
    /** Aliases for the PUBLISH packets sent on this connection; null when the client accepts none [MQTT-3.1.2-27]. */
    private final @Nullable OutboundTopicAliases topicAliases;

    // The flows are made at the first packet that needs them: many connections of a large node never publish, or
    // never subscribe after their first SUBSCRIBE, and an idle one does neither.
    private SessionFlows flows;
    private NodeLimits limits;
    private @Nullable PublishFlow publishes;
    private @Nullable SubscribeFlow subscribes;
    private ChannelHandlerContext ctx;
    private boolean closing;
    /** The most silence allowed, in ms (0: no keep alive), and its watch once the handler is installed. */
    private long keepAliveMillis;

    private @Nullable KeepAliveWatch keepAlive;

    public SessionHandler(
            ClientSession session,
            SessionRegistry sessions,
            BrokerMetrics metrics,
            int clientMaxPacketSize,
            ConnectPolicy.Negotiated negotiated,
            Clock clock) {
        this.clock = clock;
        this.session = session;
        this.sessions = sessions;
        this.metrics = metrics;
        this.clientMaxPacketSize = clientMaxPacketSize;
        this.negotiated = negotiated;
        this.topicAliases = negotiated.clientTopicAliasMaximum() > 0
                ? new OutboundTopicAliases(negotiated.clientTopicAliasMaximum())
                : null;
    }

    void bind(SessionFlows sessionFlows, NodeLimits nodeLimits) {
        this.flows = sessionFlows;
        this.limits = nodeLimits;
    }

    private PublishFlow publishes() {
        if (publishes == null) {
            publishes = flows.publishFlow(session, this, limits);
        }
        return publishes;
    }

    private SubscribeFlow subscribes() {
        if (subscribes == null) {
            subscribes = flows.subscribeFlow(session, this, limits);
        }
        return subscribes;
    }

    /** Closes the connection when no packet arrives for {@code millis} (set before the handler is installed). */
    void watchKeepAlive(long millis) {
        this.keepAliveMillis = millis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        if (keepAliveMillis > 0) {
            keepAlive = new KeepAliveWatch(context, keepAliveMillis, this);
            keepAlive.start();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        if (keepAlive != null) {
            keepAlive.stop();
        }
    }

    @Override
    public ChannelHandlerContext context() {
        return ctx;
    }

    @Override
    public ConnectPolicy.Negotiated negotiated() {
        return negotiated;
    }

    @Override
    public int clientMaximumPacketSize() {
        return clientMaxPacketSize;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (keepAlive != null) {
            keepAlive.reading();
        }
        if (!(msg instanceof MqttMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (closing) {
                return;
            }
            switch (m.fixedHeader().messageType()) {
                case PUBLISH -> publishes().onPublish((MqttPublishMessage) m);
                case PUBACK -> session.outbox().complete(packetId(m));
                case PUBREC -> session.outbox().received(packetId(m), failedReply(m));
                case PUBREL -> publishes().onPubrel(packetId(m));
                case PUBCOMP -> session.outbox().complete(packetId(m));
                case SUBSCRIBE -> subscribes().onSubscribe((MqttSubscribeMessage) m);
                case UNSUBSCRIBE -> subscribes().onUnsubscribe((MqttUnsubscribeMessage) m);
                case PINGREQ -> context.writeAndFlush(Packets.PINGRESP);
                case DISCONNECT -> onDisconnect(m);
                case CONNECT -> protocolViolation(ReasonCodes.PROTOCOL_ERROR, "second CONNECT [MQTT-3.1.0-2]");
                case AUTH -> AuthExchange.onAuth(context, m, this); // re-authentication [MQTT-4.12.1-1]
                default ->
                    protocolViolation(
                            ReasonCodes.PROTOCOL_ERROR,
                            "unexpected " + m.fixedHeader().messageType() + " from a client");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static int packetId(MqttMessage m) {
        Object header = m.variableHeader();
        if (header instanceof MqttPubReplyMessageVariableHeader reply) {
            return reply.messageId();
        }
        return ((MqttMessageIdVariableHeader) header).messageId();
    }

    private static boolean failedReply(MqttMessage m) {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply
                && (reply.reasonCode() & 0x80) != 0;
    }

    private void onDisconnect(MqttMessage m) {
        boolean keepWill = false;
        if (session.isMqtt5() && m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            // Only 0x00 (Normal disconnection) deletes the will; 0x04 and error reasons keep it [MQTT-3.1.2-10].
            keepWill = h.reasonCode() != ReasonCodes.SUCCESS;
            Integer expiry = PropertiesMapper.intValue(h.properties(), MqttProperties.SESSION_EXPIRY_INTERVAL);
            if (expiry != null) {
                if (session.expiryIntervalSeconds() == 0 && expiry != 0) {
                    protocolViolation(
                            ReasonCodes.PROTOCOL_ERROR,
                            "session expiry set at DISCONNECT after 0 at CONNECT [MQTT-3.14.2-2]");
                    return;
                }
                session.setExpiryIntervalSeconds(expiry & 0xFFFFFFFFL);
            }
        }
        if (!keepWill) {
            session.deleteWill(); // [MQTT-3.1.2-10]; SessionRegistry.closed publishes any will that is left
        }
        closing = true;
        ctx.close();
    }

    /** No packet for one and a half keep-alive periods [MQTT-3.1.2-24] (KeepAliveWatch). */
    void keepAliveExpired() {
        LOG.debug("Keep alive of {} expired", session.clientId());
        closeWithReason(ReasonCodes.KEEP_ALIVE_TIMEOUT, "keep alive timeout");
    }

    /**
     * Closes a session's connection from the server side, whatever stage it is in: through its handler when it
     * is established (MQTT 5: DISCONNECT with the reason first), else by closing the channel. On its event loop.
     */
    public static void close(ClientSession session, byte reason, String why) {
        SessionHandler h = session.channel().pipeline().get(SessionHandler.class);
        if (h != null) {
            h.closeWithReason(reason, why);
        } else {
            session.channel().close();
        }
    }

    /** Closes the connection from the server side (MQTT 5: DISCONNECT with the reason first). */
    public void closeWithReason(byte reason, String why) {
        if (closing) {
            return;
        }
        closing = true;
        if (session.isMqtt5() && ctx.channel().isActive()) {
            boolean fits = PacketSizes.fits(PacketSizes.disconnect(why), clientMaxPacketSize);
            ctx.writeAndFlush(Packets.disconnect(reason, fits ? why : null)) // [MQTT-3.14.2-3]
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void protocolViolation(byte reasonCode, String why) {
        metrics.protocolError();
        LOG.info(
                "Closing connection of client {} from {}: {}",
                session.clientId(),
                ctx.channel().remoteAddress(),
                why);
        closeWithReason(reasonCode, why);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (keepAlive != null) {
            keepAlive.readComplete();
        }
        session.outbox().drain(); // refill the window opened by the acknowledgements just read
        context.flush(); // PUBRELs written while reading
        context.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            session.outbox().drain();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (keepAlive != null) {
            keepAlive.stop();
        }
        metrics.clientDisconnected(ConnectionListener.of(context.channel()), session.protocolLevel());
        sessions.closed(session);
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.debug("Connection of {} failed: {}", session.clientId(), cause.toString());
        context.close();
    }

    // ---- OutboundWriter -----------------------------------------------------------------------------------

    @Override
    public EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public boolean isActive() {
        return ctx.channel().isActive() && !closing;
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public boolean fits(Delivery d) {
        if (clientMaxPacketSize <= 0) {
            return true;
        }
        // The exact size, with the topic alias writePublish will choose next [MQTT-3.1.2-24]; what does not fit
        // is dropped as if sent [MQTT-3.1.2-25].
        var m = d.message();
        String topic = m.topic();
        int alias = 0;
        if (topicAliases != null) {
            alias = topicAliases.existing(topic); // marks it used: the write follows at once, or it is dropped
            if (alias != 0) {
                topic = "";
            } else {
                alias = 1; // a new binding: the topic name and an alias, whose value does not change the size
            }
        }
        long size = PacketSizes.publish(
                topic, d.qos(), session.isMqtt5(), m.properties(), d.subscriptionIds(), alias, m.payload().length);
        if (size <= clientMaxPacketSize) {
            return true;
        }
        metrics.publishTooLargeForClient();
        return false;
    }

    @Override
    public void writePublish(Delivery d, int packetId) {
        var m = d.message();
        String topic = m.topic();
        int alias = 0;
        if (topicAliases != null) {
            // A known topic goes as alias only (empty topic name); a new one as topic name plus the alias it binds.
            alias = topicAliases.existing(topic);
            if (alias != 0) {
                topic = "";
            } else {
                alias = topicAliases.bind(topic);
            }
        }
        MqttProperties props = session.isMqtt5()
                ? PropertiesMapper.toPublish(m.properties(), d.subscriptionIds(), alias, clock.millis())
                : MqttProperties.NO_PROPERTIES;
        MqttFixedHeader fixed = new MqttFixedHeader(
                MqttMessageType.PUBLISH, d.dup() && d.qos() > 0, MqttQoS.valueOf(d.qos()), d.retain(), 0);
        MqttPublishMessage publish = new MqttPublishMessage(
                fixed,
                new MqttPublishVariableHeader(topic, d.qos() == 0 ? -1 : packetId, props),
                Unpooled.wrappedBuffer(m.payload()));
        metrics.publishSent(d.qos(), m.payload().length);
        ctx.write(publish, ctx.voidPromise());
    }

    @Override
    public void writePubrel(int packetId) {
        ctx.write(
                Packets.pubReply(MqttMessageType.PUBREL, packetId, session.isMqtt5(), ReasonCodes.SUCCESS, null),
                ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }
}
