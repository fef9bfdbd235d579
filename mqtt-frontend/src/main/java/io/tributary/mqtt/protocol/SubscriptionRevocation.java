/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.Channel;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.metrics.AclAction;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.topic.Subscription;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a change of the ACL rules to the subscriptions that the sessions connected to this node already hold: a
 * subscription the rules would now refuse at SUBSCRIBE (a DENY that covers its filter, an ALLOW that was removed
 * under {@code acl.no.match=deny}) is removed, as an UNSUBSCRIBE would, and the stored session rewritten without
 * it. MQTT 5 has no packet for a server-side unsubscribe: the client is not told; its subscription just receives
 * nothing more, a new SUBSCRIBE to it gets SUBACK 0x87, and it stays gone if the rule is later lifted.
 * Subscriptions that only overlap a DENY stay, filtered per message ({@code ReadCheck}). Sessions offline when the
 * rule arrives lose such subscriptions when they resume ({@code SessionRegistry}).
 */
public final class SubscriptionRevocation {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRevocation.class);

    private final SessionRegistry sessions;
    private final SubscriberRegistry subscribers;
    private final Authorizer authorizer;
    private final BrokerMetrics metrics;

    public SubscriptionRevocation(
            SessionRegistry sessions, SubscriberRegistry subscribers, Authorizer authorizer, BrokerMetrics metrics) {
        this.sessions = sessions;
        this.subscribers = subscribers;
        this.authorizer = authorizer;
        this.metrics = metrics;
    }

    /** Judges every connected session's subscriptions again, each on its own event loop. */
    public void rulesChanged() {
        for (ClientSession session : sessions.sessions()) {
            Channel channel = session.channel();
            if (channel != null && !session.subscriptions().isEmpty()) {
                channel.eventLoop().execute(() -> revokeDenied(session));
            }
        }
    }

    private void revokeDenied(ClientSession session) {
        int revoked = 0;
        for (Subscription s : List.copyOf(session.subscriptions())) {
            String denied = authorizer.subscribeDenied(session.principal(), s.filter());
            if (denied == null || session.removeSubscription(s.filter().text()) == null) {
                continue;
            }
            subscribers.remove(session, s);
            metrics.aclDenied(AclAction.SUBSCRIPTION_REVOKED);
            revoked++;
            LOG.info(
                    "Revoked subscription '{}' of client {} (user {}): {}",
                    s.filter().text(),
                    session.clientId(),
                    session.principal(),
                    denied);
        }
        if (revoked > 0 && session.isPersistent()) {
            sessions.save(session).exceptionally(e -> {
                // The next checkpoint or hand-over stores it; a resume drops the subscription anyway.
                LOG.warn("Session {} not stored after revoking subscriptions: {}", session.clientId(), e.toString());
                return null;
            });
        }
    }
}
