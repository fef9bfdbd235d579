/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.auth.AuthStep;
import io.tributary.mqtt.auth.Authenticator;
import io.tributary.mqtt.auth.JwtVerifier;
import io.tributary.mqtt.metrics.AuthFailure;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.wire.Packets;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication of one connection: decides on its CONNECT (anonymous, user name and password, or an
 * enhanced method), runs the AUTH exchange of MQTT 5 section 4.12 until CONNACK, and later the
 * re-authentications the client starts. {@code ConnectGate} hands it the CONNECT and, while it waits for
 * the client, every packet; {@code SessionHandler} hands it AUTH packets after CONNACK. It lives in a
 * channel attribute, so the session handler finds it without holding it.
 * <p>
 * Runs on the connection's event loop. Password checks (PBKDF2) go to {@link AuthService}'s hashing pool;
 * the enhanced exchange with stored SCRAM credentials only computes HMACs and stays inline.
 */
public final class AuthExchange {

    private static final Logger LOG = LoggerFactory.getLogger(AuthExchange.class);
    /** Refusals are per connection: a client retrying a bad credential in a loop must not flood the log. */
    private static final RefusalLog REFUSALS = new RefusalLog(LOG, 20);

    private static final AttributeKey<AuthExchange> KEY = AttributeKey.valueOf("tributary.auth");

    // Reason codes of MQTT 5 section 2.4 (CONNACK, AUTH, DISCONNECT) and MQTT 3.1.1 CONNACK return codes.
    static final byte SUCCESS = 0x00;
    static final byte CONTINUE_AUTHENTICATION = 0x18;
    static final byte RE_AUTHENTICATE = 0x19;
    static final byte PROTOCOL_ERROR = (byte) 0x82;
    static final byte BAD_USER_NAME_OR_PASSWORD = (byte) 0x86;
    static final byte NOT_AUTHORIZED = (byte) 0x87;
    static final byte SERVER_UNAVAILABLE = (byte) 0x88;
    static final byte SERVER_BUSY = (byte) 0x89;
    static final byte BAD_AUTHENTICATION_METHOD = (byte) 0x8C;
    static final byte V3_SERVER_UNAVAILABLE = 0x03;
    static final byte V3_BAD_USER_NAME_OR_PASSWORD = 0x04;
    static final byte V3_NOT_AUTHORIZED = 0x05;

    private final AuthService service;
    private final BrokerMetrics metrics;
    private final boolean v5;
    private final String clientId;
    /** The CONNECT's Authentication Method, or null: then AUTH packets are a protocol error [MQTT-4.12.0-7]. */
    private final @Nullable String method;

    private @Nullable String principal;
    /** The JWT the client authenticated with (password or method JWT): its expiry timer and filters. */
    private @Nullable ConnectionToken token;
    /** The authenticator waits for the client's next AUTH 0x18. */
    private Authenticator.@Nullable Continuation pending;

    private byte @Nullable [] connAckData;
    private boolean connAckSent;
    private @Nullable Runnable authenticated;

    private AuthExchange(
            AuthService service, BrokerMetrics metrics, boolean v5, String clientId, @Nullable String method) {
        this.service = service;
        this.metrics = metrics;
        this.v5 = v5;
        this.clientId = clientId;
        this.method = method;
    }

    /**
     * Authenticates a valid CONNECT. Calls {@code authenticated} on the event loop once the client is let in
     * (the caller then establishes the session and sends CONNACK with {@link #addConnAckProperties}); otherwise
     * sends the refusing CONNACK and closes. The CONNECT need not outlive this call.
     */
    public static AuthExchange begin(
            AuthService service,
            BrokerMetrics metrics,
            ChannelHandlerContext ctx,
            MqttConnectMessage connect,
            String clientId,
            Runnable authenticated) {
        MqttConnectVariableHeader header = connect.variableHeader();
        boolean v5 = header.version() == 5;
        MqttProperties props = header.properties();
        String fromCertificate = certificatePrincipal(service, ctx); // null without a verified certificate
        String method = v5 ? stringValue(props, MqttProperties.AUTHENTICATION_METHOD) : null;
        AuthExchange ex = new AuthExchange(service, metrics, v5, clientId, method);
        ex.authenticated = authenticated;
        ctx.channel().attr(KEY).set(ex);
        if (method != null) {
            Authenticator authenticator = service.method(method);
            if (authenticator == null) {
                // [MQTT-4.12.0-1]: an unsupported Authentication Method: CONNACK 0x8C and close.
                ex.refuse(ctx, BAD_AUTHENTICATION_METHOD, "unsupported authentication method");
            } else {
                authenticator
                        .startAsync(clientId, binaryValue(props))
                        .whenComplete((step, error) -> onLoop(ctx, () -> {
                            if (ctx.channel().isActive()) {
                                ex.onConnectStep(ctx, step != null ? step : busy());
                            }
                        }));
            }
        } else if (header.hasPassword()
                && service.takesAsToken(connect.payload().passwordInBytes())) {
            ex.checkToken(ctx, connect.payload().passwordInBytes()); // a JWT as password: the user name is not used
        } else if ((header.hasUserName() || header.hasPassword()) && service.checksPasswords()) {
            ex.checkPassword(
                    ctx, connect.payload().userName(), connect.payload().passwordInBytes());
        } else if (fromCertificate != null) {
            ex.accept(ctx, fromCertificate, null, null); // mutual TLS: the certificate stands in for a password
        } else if (service.required()) {
            ex.refuse(ctx, NOT_AUTHORIZED, "anonymous client, auth.mode=required");
        } else {
            ex.accept(ctx, null, null, null);
        }
        return ex;
    }

    /** Runs {@code task} on the connection's event loop: now when already there, else as its next task. */
    private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private static AuthStep busy() {
        return new AuthStep.Failure(SERVER_BUSY, "authentication queue full");
    }

    /** A JWT as CONNECT password, verified on the hashing pool: refused as a bad password (0x86 / 4). */
    private void checkToken(ChannelHandlerContext ctx, byte[] password) {
        service.verifyToken(new String(password, StandardCharsets.US_ASCII))
                .whenComplete((identity, error) -> ctx.executor().execute(() -> {
                    Throwable cause = error instanceof CompletionException c ? c.getCause() : error;
                    if (!ctx.channel().isActive()) {
                        return;
                    } else if (cause instanceof JwtVerifier.Refused r) {
                        refuse(
                                ctx,
                                r.keysUnavailable() ? SERVER_UNAVAILABLE : BAD_USER_NAME_OR_PASSWORD,
                                "JWT password refused: " + r.getMessage());
                    } else if (cause != null) {
                        refuse(ctx, SERVER_BUSY, "password checks queue full");
                    } else {
                        accept(ctx, identity.principal(), null, identity);
                    }
                }));
    }

    /** The principal of the client certificate a TLS listener verified, when certificates authenticate. */
    private static @Nullable String certificatePrincipal(AuthService service, ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null; // plain TCP or WebSocket
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate client
                    ? service.certificatePrincipal(client)
                    : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // tls.client.auth=optional and the client sent none
        }
    }

    private void checkPassword(ChannelHandlerContext ctx, @Nullable String user, byte @Nullable [] password) {
        if (user == null || password == null) {
            refuse(ctx, BAD_USER_NAME_OR_PASSWORD, "user name without password or password without user name");
            return;
        }
        service.verifyPassword(user, password)
                .whenComplete((ok, error) -> ctx.executor().execute(() -> {
                    if (!ctx.channel().isActive()) {
                        return; // gone while the password was checked: no session to set up (nor to take over)
                    } else if (error != null) {
                        refuse(ctx, SERVER_BUSY, "password checks queue full");
                    } else if (ok) {
                        accept(ctx, user, null, null);
                    } else {
                        refuse(ctx, BAD_USER_NAME_OR_PASSWORD, "wrong user name or password for user '" + user + "'");
                    }
                }));
    }

    /** While true, every packet the connection reads before CONNACK goes to {@link #onPacketBeforeConnAck}. */
    public boolean awaitingClient() {
        return !connAckSent && pending != null;
    }

    /** A packet read while the CONNECT's exchange waits for the client's AUTH. The caller releases it. */
    public void onPacketBeforeConnAck(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m)) {
            ctx.close();
            return;
        }
        switch (m.fixedHeader().messageType()) {
            case AUTH -> {
                var header = (MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader();
                if (header.reasonCode() != CONTINUE_AUTHENTICATION) {
                    // [MQTT-4.12.0-3]: the client answers the server's AUTH with 0x18 Continue authentication.
                    protocolErrorBeforeConnAck(ctx, "AUTH reason code " + header.reasonCode() + " before CONNACK");
                    return;
                }
                if (!method.equals(stringValue(header.properties(), MqttProperties.AUTHENTICATION_METHOD))) {
                    // [MQTT-4.12.0-5]: every AUTH carries the Authentication Method of the CONNECT.
                    refuse(ctx, BAD_AUTHENTICATION_METHOD, "AUTH with another authentication method");
                    return;
                }
                Authenticator.Continuation next = pending;
                pending = null;
                ctx.channel().config().setAutoRead(false);
                onConnectStep(ctx, next.proceed(binaryValue(header.properties())));
            }
            case DISCONNECT -> ctx.close();
            // [MQTT-3.1.2-30]: until CONNACK, a client that sent an Authentication Method sends only AUTH or
            // DISCONNECT.
            default -> protocolErrorBeforeConnAck(ctx, m.fixedHeader().messageType() + " during authentication");
        }
    }

    private void onConnectStep(ChannelHandlerContext ctx, AuthStep step) {
        if (step instanceof AuthStep.Continue c) {
            pending = c.next();
            ctx.writeAndFlush(Packets.auth(CONTINUE_AUTHENTICATION, method, c.serverData())); // [MQTT-4.12.0-2]
            ctx.channel().config().setAutoRead(true);
        } else if (step instanceof AuthStep.Success s) {
            accept(ctx, s.principal(), s.serverFinalData(), s.token());
        } else if (step instanceof AuthStep.Failure f) {
            refuse(ctx, f.reasonCode(), f.why()); // [MQTT-4.12.0-4]
        }
    }

    private void accept(
            ChannelHandlerContext ctx,
            @Nullable String user,
            byte @Nullable [] serverFinal,
            JwtVerifier.@Nullable Identity identity) {
        principal = user;
        if (identity != null) {
            token = ConnectionToken.start(ctx.channel(), clientId, identity);
        }
        connAckData = serverFinal;
        Runnable next = authenticated;
        authenticated = null;
        if (next != null) {
            next.run();
        }
    }

    /** Adds the Authentication Method and Data to a successful MQTT 5 CONNACK [MQTT-4.12.0-5] [MQTT-4.12.0-6]. */
    public void addConnAckProperties(MqttProperties props) {
        connAckSent = true;
        if (method != null) {
            props.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, method));
            if (connAckData != null) {
                props.add(new MqttProperties.BinaryProperty(MqttProperties.AUTHENTICATION_DATA, connAckData));
            }
        }
        connAckData = null;
    }

    /** The token the client authenticated with, or null when its credential was not a JWT. */
    @Nullable
    ConnectionToken token() {
        return token;
    }

    /** The authenticated user name, or null for an anonymous client. */
    public @Nullable String principal() {
        return principal;
    }

    public static @Nullable AuthExchange of(io.netty.channel.Channel channel) {
        return channel.attr(KEY).get();
    }

    // ---- after CONNACK: re-authentication (MQTT 5 section 4.12.1) -------------------------------------

    /** An AUTH packet of an established session. */
    public static void onAuth(ChannelHandlerContext ctx, MqttMessage m, SessionHandler session) {
        AuthExchange ex = of(ctx.channel());
        if (ex == null || ex.method == null) {
            session.protocolViolation(
                    PROTOCOL_ERROR, "AUTH without an authentication method in CONNECT [MQTT-4.12.0-7]");
            return;
        }
        ex.reauthenticate(ctx, (MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader(), session);
    }

    private void reauthenticate(
            ChannelHandlerContext ctx, MqttReasonCodeAndPropertiesVariableHeader header, SessionHandler session) {
        if (!method.equals(stringValue(header.properties(), MqttProperties.AUTHENTICATION_METHOD))) {
            // [MQTT-4.12.1-1]: re-authentication uses the method the client connected with.
            failReauthentication(session, BAD_AUTHENTICATION_METHOD, "re-authentication with another method");
            return;
        }
        byte[] data = binaryValue(header.properties());
        if (header.reasonCode() == RE_AUTHENTICATE && pending == null) {
            service.method(method)
                    .startAsync(clientId, data)
                    .whenComplete((step, error) -> onLoop(ctx, () -> {
                        if (ctx.channel().isActive()) {
                            onReauthenticationStep(ctx, step != null ? step : busy(), session);
                        }
                    }));
        } else if (header.reasonCode() == CONTINUE_AUTHENTICATION && pending != null) {
            Authenticator.Continuation next = pending;
            pending = null;
            onReauthenticationStep(ctx, next.proceed(data), session);
        } else {
            pending = null;
            session.protocolViolation(PROTOCOL_ERROR, "AUTH reason code " + header.reasonCode() + " out of sequence");
        }
    }

    private void onReauthenticationStep(ChannelHandlerContext ctx, AuthStep step, SessionHandler session) {
        if (step instanceof AuthStep.Continue c) {
            pending = c.next();
            ctx.writeAndFlush(Packets.auth(CONTINUE_AUTHENTICATION, method, c.serverData()));
        } else if (step instanceof AuthStep.Success s) {
            if (!s.principal().equals(principal)) {
                failReauthentication(session, NOT_AUTHORIZED, "re-authenticated as another user");
            } else {
                if (s.token() != null && token != null && service.reauthenticationExtends()) {
                    token.renew(s.token()); // auth.jwt.expiry=reauthenticate: the fresh token's expiry and filters
                }
                ctx.writeAndFlush(Packets.auth(SUCCESS, method, s.serverFinalData())); // re-authenticated
            }
        } else if (step instanceof AuthStep.Failure f) {
            failReauthentication(session, f.reasonCode(), f.why());
        }
    }

    /** [MQTT-4.12.1-2]: a failed re-authentication ends the connection, MQTT 5 DISCONNECT with the reason. */
    private void failReauthentication(SessionHandler session, byte reason, String why) {
        metrics.authFailed(AuthFailure.REAUTHENTICATION);
        LOG.info("Re-authentication of client {} failed: {}", clientId, why);
        session.closeWithReason(reason, "re-authentication failed");
    }

    // ---- refusing the CONNECT ---------------------------------------------------------------------------

    private void refuse(ChannelHandlerContext ctx, byte reason, String why) {
        if (reason != SERVER_BUSY) {
            metrics.authFailed(reason);
        }
        REFUSALS.info(
                "Refusing CONNECT of client {} from {}: {}",
                clientId,
                ctx.channel().remoteAddress(),
                why);
        sendConnAck(ctx, v5 ? reason : v3Code(reason));
    }

    private void protocolErrorBeforeConnAck(ChannelHandlerContext ctx, String why) {
        metrics.protocolError();
        LOG.info(
                "Refusing CONNECT of client {} from {}: {} [MQTT-3.1.2-30]",
                clientId,
                ctx.channel().remoteAddress(),
                why);
        sendConnAck(ctx, PROTOCOL_ERROR);
    }

    private void sendConnAck(ChannelHandlerContext ctx, byte code) {
        pending = null;
        authenticated = null;
        connAckSent = true;
        ctx.writeAndFlush(Packets.connAck(code, false, MqttProperties.NO_PROPERTIES))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** MQTT 3.1.1 has return codes 4 (bad user name or password) and 5 (not authorized) only. */
    private static byte v3Code(byte v5Reason) {
        return switch (v5Reason) {
            case BAD_USER_NAME_OR_PASSWORD -> V3_BAD_USER_NAME_OR_PASSWORD;
            case SERVER_BUSY, SERVER_UNAVAILABLE -> V3_SERVER_UNAVAILABLE;
            default -> V3_NOT_AUTHORIZED;
        };
    }

    private static @Nullable String stringValue(@Nullable MqttProperties props, int id) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(id);
        return p == null ? null : (String) p.value();
    }

    private static byte[] binaryValue(@Nullable MqttProperties props) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(MqttProperties.AUTHENTICATION_DATA);
        return p == null || p.value() == null ? new byte[0] : (byte[]) p.value();
    }
}
