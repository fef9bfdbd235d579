/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.message.Will;
import io.tributary.mqtt.metrics.AclAction;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.LimitKind;
import io.tributary.mqtt.schema.PayloadCheck;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.OwnedByAnotherUser;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.wire.Packets;
import io.tributary.mqtt.wire.ReasonCodes;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler a connection meets: the first packet must be a valid CONNECT within the connect
 * timeout. It negotiates the session (new, resumed, taken over), answers CONNACK and replaces itself with
 * the {@link SessionHandler}.
 */
public final class ConnectGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectGate.class);
    /** MQTT 3.1.1 CONNACK return code 5, Connection Refused, not authorized. */
    private static final byte V3_NOT_AUTHORIZED = 0x05;
    /** MQTT 3.1.1 CONNACK return code 3, Connection Refused, server unavailable. */
    private static final byte V3_SERVER_UNAVAILABLE = 0x03;

    private final ProtocolSettings settings;
    private final NodeLimits limits;
    private final AuthService authService;
    private final Authorizer authorizer;
    private final SessionRegistry sessions;
    private final SessionFlows flows;
    private final BrokerMetrics metrics;
    private final Supplier<String> clientIds;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    private ScheduledFuture<?> timeout;
    private boolean connectSeen;
    private @Nullable AuthExchange auth;

    /**
     * @param limits    the limits in force when the connection was accepted
     * @param clientIds assigns a client id to an MQTT 5 client that sent none [MQTT-3.1.3-6]
     */
    public ConnectGate(
            ProtocolSettings settings,
            NodeLimits limits,
            AuthService authService,
            Authorizer authorizer,
            SessionRegistry sessions,
            SessionFlows flows,
            BrokerMetrics metrics,
            Supplier<String> clientIds) {
        this.settings = settings;
        this.limits = limits;
        this.authService = authService;
        this.authorizer = authorizer;
        this.sessions = sessions;
        this.flows = flows;
        this.metrics = metrics;
        this.clientIds = clientIds;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor()
                .schedule(
                        () -> {
                            LOG.debug(
                                    "No CONNECT from {} within {} ms",
                                    ctx.channel().remoteAddress(),
                                    settings.connectTimeoutMs());
                            metrics.limitHit(LimitKind.CONNECT_TIMEOUT);
                            ctx.close();
                        },
                        settings.connectTimeoutMs(),
                        TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        ctx.fireChannelInactive();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (connectSeen) {
            if (auth != null && auth.awaitingClient()) {
                try {
                    auth.onPacketBeforeConnAck(ctx, msg); // the AUTH exchange of MQTT 5 section 4.12
                } finally {
                    ReferenceCountUtil.release(msg);
                }
                return;
            }
            // Clients need not wait for CONNACK (MQTT 3.1.1 section 3.1.4): what arrives while the session is
            // being set up is handed to the session handler, in order, once it is installed.
            pipelined.add(msg);
            return;
        }
        try {
            if (!(msg instanceof MqttConnectMessage connect)) {
                String type = msg instanceof MqttMessage m
                        ? m.fixedHeader().messageType().toString()
                        : "data";
                LOG.info(
                        "Closing connection from {}: first packet is {}, not CONNECT [MQTT-3.1.0-1]",
                        ctx.channel().remoteAddress(),
                        type);
                metrics.protocolError();
                ctx.close();
                return;
            }
            connectSeen = true;
            onConnect(ctx, connect);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A reset or I/O error before the session exists: one DEBUG line, no stack trace at the pipeline's tail. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug(
                "Connection from {} failed before CONNECT completed: {}",
                ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Connection refused or closed before the session was established.
        Object m;
        while ((m = pipelined.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        ConnectValidation.Outcome outcome =
                ConnectValidation.validate(connect, settings.maxClientIdLength(), clientIds);
        if (outcome instanceof ConnectValidation.Refused r) {
            if (r.violation()) {
                violation(ctx, r.v5(), r.code(), r.why());
            } else {
                refuse(ctx, r.v5(), r.code(), r.why());
            }
            return;
        }
        ConnectValidation.Accepted ok = (ConnectValidation.Accepted) outcome;
        ConnectPolicy.Negotiated negotiated = settings.connectPolicy()
                .negotiate(ok.v5(), ok.clientId(), connect.variableHeader().keepAliveTimeSeconds(), ok.properties());
        var request = new SessionRegistry.ConnectRequest(
                ok.clientId(),
                ok.level(),
                ok.cleanStart(),
                ok.expirySeconds(),
                ok.will(),
                ok.receiveMaximum(),
                ctx.channel(),
                null); // the principal is known once AuthExchange has let the client in
        ctx.channel().config().setAutoRead(false);
        // Authentication (AuthExchange) decides before any session is touched; a refused client leaves none.
        auth = AuthExchange.begin(
                authService,
                metrics,
                ctx,
                connect,
                ok.clientId(),
                () -> establish(ctx, request, ok.v5(), negotiated, ok.maxPacketSize(), ok.assignedId()));
    }

    private void establish(
            ChannelHandlerContext ctx,
            SessionRegistry.ConnectRequest request,
            boolean v5,
            ConnectPolicy.Negotiated negotiated,
            @Nullable Integer maxPacket,
            boolean assignedId) {
        ctx.channel().config().setAutoRead(false);
        // AuthExchange.begin may let the client in before it returns (anonymous): read it from the channel.
        AuthExchange exchange = AuthExchange.of(ctx.channel());
        String principal = exchange == null ? null : exchange.principal();
        if (clientIdRefused(ctx, request.clientId(), principal, v5)
                || willDenied(ctx, request, principal, v5)
                || willPayloadRefused(ctx, request, v5)) {
            return; // refused before any session is touched
        }
        SessionRegistry.ConnectRequest authenticated = new SessionRegistry.ConnectRequest(
                request.clientId(),
                request.protocolLevel(),
                request.cleanStart(),
                request.expiryIntervalSeconds(),
                request.will(),
                request.clientReceiveMaximum(),
                request.channel(),
                principal);
        sessions.connect(authenticated, ConnectGate::kick)
                .whenComplete((est, error) -> ctx.executor().execute(() -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof OwnedByAnotherUser taken) {
                        // Another user's CONNECT claimed the client id first, on another node: as clientIdRefused.
                        metrics.aclDenied(AclAction.CLIENT_ID);
                        refuse(ctx, v5, v5 ? ReasonCodes.NOT_AUTHORIZED : V3_NOT_AUTHORIZED, taken.getMessage());
                        return;
                    }
                    if (error != null) {
                        LOG.warn("Could not establish session {}: {}", request.clientId(), error.toString());
                        refuse(ctx, v5, v5 ? ReasonCodes.UNSPECIFIED_ERROR : 0x03, "session could not be established");
                        return;
                    }
                    start(
                            ctx,
                            est,
                            negotiated,
                            maxPacket == null ? 0 : maxPacket,
                            assignedId,
                            request.clientReceiveMaximum());
                }));
    }

    private void start(
            ChannelHandlerContext ctx,
            SessionRegistry.Established est,
            ConnectPolicy.Negotiated negotiated,
            int clientMaxPacket,
            boolean assignedId,
            int clientReceiveMaximum) {
        ClientSession session = est.session();
        if (!ctx.channel().isActive()) {
            sessions.closed(session);
            return;
        }
        cancelTimeout();
        session.setPrincipal(auth.principal());
        ConnectionToken.narrowReads(session, authorizer, auth.token()); // a JWT's filters, before any delivery
        metrics.clientConnected(ConnectionListener.of(ctx.channel()), session.protocolLevel());
        SessionHandler handler = flows.open(session, clientMaxPacket, negotiated, limits);
        List<Object> early = List.copyOf(pipelined);
        pipelined.clear();
        MqttPipeline.established(ctx.pipeline(), handler, negotiated.keepAliveSeconds());
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (session.isMqtt5()) {
            props = new MqttProperties();
            if (assignedId) {
                props.add(new MqttProperties.StringProperty(
                        MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, session.clientId()));
            }
            props.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, settings.receiveMaximum()));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE, settings.maxPacketSize()));
            negotiated.addTo(props); // topic aliases, Server Keep Alive, Response Information
            auth.addConnAckProperties(props);
        }
        ctx.writeAndFlush(Packets.connAck(ReasonCodes.SUCCESS, est.sessionPresent(), props));
        session.outbox().attach(handler, clientReceiveMaximum, est.resumed().releases());
        sessions.started(session);
        session.outbox().scheduleDrain();
        for (Object m : early) {
            ctx.pipeline().fireChannelRead(m);
        }
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * A will the authenticated client may not publish is refused at CONNECT (MQTT 5 CONNACK 0x87, MQTT 3.1.1
     * return code 5), not dropped silently when the connection dies: the client learns it at once. True when
     * refused. The check at CONNECT is the only one: a will accepted then is published even if a rule added
     * later would deny it.
     */
    private boolean willDenied(
            ChannelHandlerContext ctx, SessionRegistry.ConnectRequest request, @Nullable String principal, boolean v5) {
        Will will = request.will();
        String denied = will == null
                ? null
                : authorizer.publishDenied(principal, will.message().topic());
        if (denied == null) {
            return false;
        }
        metrics.aclDenied(AclAction.WILL);
        refuse(
                ctx,
                v5,
                v5 ? ReasonCodes.NOT_AUTHORIZED : V3_NOT_AUTHORIZED,
                "will topic '" + will.message().topic() + "' of client " + request.clientId() + " not authorized: "
                        + denied);
        return true;
    }

    /**
     * A will whose payload its topic's schema binding refuses is refused at CONNECT, as a PUBLISH would be
     * (docs/schemas.md): MQTT 5 CONNACK 0x99 (does not match) or 0x80 (schema unavailable) with the reason string;
     * MQTT 3.1.1 return code 5 (not authorized) or 3 (server unavailable). True when refused.
     */
    private boolean willPayloadRefused(ChannelHandlerContext ctx, SessionRegistry.ConnectRequest request, boolean v5) {
        Will will = request.will();
        PayloadCheck check = will == null ? PayloadCheck.AS_PUBLISHED : flows.checkPayload(will.message());
        if (check.accepted()) {
            return false;
        }
        boolean invalid = check.reasonCode() == ReasonCodes.PAYLOAD_FORMAT_INVALID;
        String why = "will to '" + will.message().topic() + "': " + check.reason();
        LOG.info(
                "Refusing CONNECT of {} from {}: {}",
                request.clientId(),
                ctx.channel().remoteAddress(),
                why);
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (v5) {
            props = new MqttProperties();
            props.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, why));
        }
        byte code = v5 ? check.reasonCode() : invalid ? V3_NOT_AUTHORIZED : V3_SERVER_UNAVAILABLE;
        ctx.writeAndFlush(Packets.connAck(code, false, props)).addListener(ChannelFutureListener.CLOSE);
        return true;
    }

    /**
     * A client id the client may not use is refused (MQTT 5 CONNACK 0x87, MQTT 3.1.1 return code 5) and the
     * connection and session that hold it are left alone: {@code auth.client-id.must-match}, and a session belongs
     * to the user who made it, on every node (a CONNECT by another user would otherwise take over its queued
     * messages and subscriptions, and disconnect its client). True when refused.
     */
    private boolean clientIdRefused(
            ChannelHandlerContext ctx, String clientId, @Nullable String principal, boolean v5) {
        String why = authService.clientIdRefused(clientId, principal);
        if (why == null) {
            String owner = sessions.ownerOtherThan(clientId, principal);
            if (owner != null) {
                why = "client id " + clientId + " belongs to a session of user " + owner + ", not of "
                        + (principal == null ? "an anonymous client" : "user " + principal);
            }
        }
        if (why == null) {
            return false;
        }
        metrics.aclDenied(AclAction.CLIENT_ID);
        refuse(ctx, v5, v5 ? ReasonCodes.NOT_AUTHORIZED : V3_NOT_AUTHORIZED, why);
        return true;
    }

    private static void kick(ClientSession previous) {
        SessionHandler.close(previous, ReasonCodes.SESSION_TAKEN_OVER, "another connection took over the session");
    }

    /**
     * A CONNECT that breaks the protocol: counted; MQTT 5 is told why with a CONNACK reason code, MQTT 3.1.1
     * (which has no return code for it) is just disconnected.
     */
    private void violation(ChannelHandlerContext ctx, boolean v5, byte v5Code, String why) {
        metrics.protocolError();
        if (v5) {
            refuse(ctx, true, v5Code, why);
        } else {
            LOG.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), why);
            ctx.close();
        }
    }

    /** Refuses a CONNECT with a CONNACK return / reason code, then closes [MQTT-3.2.2-5]. */
    static void refuse(ChannelHandlerContext ctx, boolean v5, byte code, String why) {
        LOG.info("Refusing CONNECT from {}: {}", ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(Packets.connAck(code, false, MqttProperties.NO_PROPERTIES))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
