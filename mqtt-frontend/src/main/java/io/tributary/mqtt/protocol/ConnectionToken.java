/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.Channel;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.acl.TokenScope;
import io.tributary.mqtt.auth.JwtVerifier;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.topic.TopicFilter;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWT a connection authenticated with: one timer on the connection's event loop ends the connection when the
 * token expires (MQTT 5 DISCONNECT 0x87 Not authorized, MQTT 3.1.1 closed), so nothing is checked per message; a
 * re-authentication with a fresh token moves it. The token's topic filters ({@link TokenScope}) narrow the ACL
 * checks of PUBLISH, SUBSCRIBE and delivery through the static helpers, which the flows call with the session.
 */
final class ConnectionToken {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionToken.class);
    private static final byte NOT_AUTHORIZED = (byte) 0x87;

    private final Channel channel;
    private final String clientId;
    private volatile JwtVerifier.Identity identity;
    private @Nullable ScheduledFuture<?> expiry;

    private ConnectionToken(Channel channel, String clientId, JwtVerifier.Identity identity) {
        this.channel = channel;
        this.clientId = clientId;
        this.identity = identity;
    }

    /** Starts the expiry timer of a connection let in with {@code identity}. On the event loop. */
    static ConnectionToken start(Channel channel, String clientId, JwtVerifier.Identity identity) {
        ConnectionToken token = new ConnectionToken(channel, clientId, identity);
        token.schedule();
        channel.closeFuture().addListener(f -> token.cancel());
        return token;
    }

    /** A re-authentication with {@code fresh} (same principal): its expiry and filters from now on. */
    void renew(JwtVerifier.Identity fresh) {
        cancel();
        identity = fresh;
        schedule();
    }

    @Nullable
    TokenScope scope() {
        return identity.scope();
    }

    Instant expiresAt() {
        return identity.expiresAt();
    }

    private void schedule() {
        long delayMs = Math.max(0, identity.expiresAt().toEpochMilli() - System.currentTimeMillis());
        expiry = channel.eventLoop().schedule(this::expired, delayMs, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        ScheduledFuture<?> timer = expiry;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void expired() {
        if (!channel.isActive()) {
            return;
        }
        LOG.info(
                "Token of client {} (user {}) expired at {}: disconnecting",
                clientId,
                identity.principal(),
                identity.expiresAt());
        SessionHandler handler = channel.pipeline().get(SessionHandler.class);
        if (handler != null) {
            handler.closeWithReason(NOT_AUTHORIZED, "token expired");
        } else {
            channel.close(); // not yet established: no DISCONNECT before CONNACK
        }
    }

    // ---- the token's filters inside the broker's ACL checks -----------------------------------------------

    private static @Nullable TokenScope scopeOf(Channel channel) {
        AuthExchange exchange = AuthExchange.of(channel);
        ConnectionToken token = exchange == null ? null : exchange.token();
        return token == null ? null : token.scope();
    }

    /** The broker's ACL rules, then the token's publish filters: why the PUBLISH is refused, or null. */
    static @Nullable String publishDenied(Authorizer authorizer, ClientSession session, String topic) {
        String denied = authorizer.publishDenied(session.principal(), topic);
        if (denied != null) {
            return denied;
        }
        TokenScope scope = scopeOf(session.channel());
        return scope == null ? null : scope.publishDenied(topic);
    }

    /** The broker's ACL rules, then the token's subscribe filters: why the SUBSCRIBE is refused, or null. */
    static @Nullable String subscribeDenied(Authorizer authorizer, ClientSession session, TopicFilter filter) {
        String denied = authorizer.subscribeDenied(session.principal(), filter);
        if (denied != null) {
            return denied;
        }
        TokenScope scope = scopeOf(session.channel());
        return scope == null ? null : scope.subscribeDenied(filter);
    }

    /**
     * Narrows the delivery check of a session whose token carries filters: subscriptions a resumed session stored
     * under an earlier token deliver only what the current token's subscribe filters cover.
     */
    static void narrowReads(ClientSession session, Authorizer authorizer, @Nullable ConnectionToken token) {
        if (token == null || token.scope() == null) {
            return;
        }
        Predicate<String> rules = authorizer.readCheck(session.principal());
        session.setReadCheck(topic -> {
            TokenScope scope = token.scope();
            return rules.test(topic) && (scope == null || scope.mayRead(topic));
        });
    }
}
