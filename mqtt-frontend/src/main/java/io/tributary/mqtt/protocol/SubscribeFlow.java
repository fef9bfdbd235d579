/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.metrics.AclAction;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.LimitKind;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.mqtt.wire.Packets;
import io.tributary.mqtt.wire.PropertiesMapper;
import io.tributary.mqtt.wire.ReasonCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE and UNSUBSCRIBE of one session. A persistent session's subscriptions are in Kafka before the
 * SUBACK goes out, so an acknowledged subscription survives a node restart. Event-loop confined.
 */
public final class SubscribeFlow {

    private static final Logger LOG = LoggerFactory.getLogger(SubscribeFlow.class);

    private final ClientSession session;
    private final Connection connection;
    private final SubscriberRegistry subscribers;
    private final SessionRegistry sessions;
    private final RetainedStore retained;
    private final NodeLimits limits;
    private final BrokerMetrics metrics;
    private final Authorizer authorizer;

    public SubscribeFlow(
            ClientSession session,
            Connection connection,
            SubscriberRegistry subscribers,
            SessionRegistry sessions,
            RetainedStore retained,
            NodeLimits limits,
            BrokerMetrics metrics,
            Authorizer authorizer) {
        this.session = session;
        this.connection = connection;
        this.subscribers = subscribers;
        this.sessions = sessions;
        this.retained = retained;
        this.limits = limits;
        this.metrics = metrics;
        this.authorizer = authorizer;
    }

    public void onSubscribe(MqttSubscribeMessage msg) {
        int packetId = msg.idAndPropertiesVariableHeader().messageId();
        MqttProperties props = msg.idAndPropertiesVariableHeader().properties();
        Integer subscriptionId =
                session.isMqtt5() ? PropertiesMapper.intValue(props, MqttProperties.SUBSCRIPTION_IDENTIFIER) : null;
        if (subscriptionId != null && subscriptionId == 0) {
            connection.protocolViolation(ReasonCodes.PROTOCOL_ERROR, "subscription identifier 0 [MQTT-3.8.2-1]");
            return;
        }
        List<MqttTopicSubscription> requested = msg.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            connection.protocolViolation(ReasonCodes.PROTOCOL_ERROR, "SUBSCRIBE without topic filters [MQTT-3.8.3-2]");
            return;
        }
        if (session.isMqtt5()) {
            for (MqttTopicSubscription r : requested) {
                if (r.option().isNoLocal() && r.topicFilter().startsWith(TopicFilter.SHARE_PREFIX)) {
                    connection.protocolViolation(
                            ReasonCodes.PROTOCOL_ERROR, "No Local on a shared subscription [MQTT-3.8.3-4]");
                    return;
                }
            }
        }
        int[] codes = new int[requested.size()];
        List<Delivery> retainedToSend = new ArrayList<>();
        List<Subscription[]> changes = new ArrayList<>();
        List<CompletableFuture<Void>> joined = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            codes[i] = subscribe(
                    requested.get(i), subscriptionId == null ? 0 : subscriptionId, retainedToSend, changes, joined);
        }
        CompletableFuture<Void> stored =
                session.isPersistent() ? sessions.save(session) : CompletableFuture.completedFuture(null);
        if (!joined.isEmpty()) {
            // Acknowledged once what is published from now on reaches the subscriptions (see subscribe).
            joined.add(stored);
            stored = CompletableFuture.allOf(joined.toArray(new CompletableFuture[0]));
        }
        var channel = connection.context().channel();
        stored.whenComplete((v, e) -> channel.eventLoop().execute(() -> {
            if (e != null) {
                // Not stored in Kafka: refuse rather than promise a subscription a restart would lose, and
                // deliver as if the SUBSCRIBE had not happened.
                undo(changes);
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = session.isMqtt5() ? ReasonCodes.UNSPECIFIED_ERROR & 0xFF : 0x80;
                }
            }
            connection.context().writeAndFlush(Packets.subAck(packetId, codes));
            if (e == null) {
                retainedToSend.forEach(session.outbox()::offerRetained);
            }
        }));
    }

    /** Restores the subscriptions a refused SUBSCRIBE replaced or added, last change first. */
    private void undo(List<Subscription[]> changes) {
        for (int i = changes.size() - 1; i >= 0; i--) {
            Subscription added = changes.get(i)[0];
            Subscription previous = changes.get(i)[1];
            if (previous != null) {
                session.putSubscription(previous);
                subscribers.add(session, previous);
            } else {
                session.removeSubscription(added.filter().text());
                subscribers.remove(session, added);
            }
        }
    }

    /** Applies one requested subscription; records {added, previous} in {@code changes}. */
    private int subscribe(
            MqttTopicSubscription request,
            int subscriptionId,
            List<Delivery> retainedToSend,
            List<Subscription[]> changes,
            List<CompletableFuture<Void>> joined) {
        TopicFilter filter;
        try {
            filter = TopicFilter.parse(request.topicFilter());
        } catch (IllegalArgumentException e) {
            return failure(ReasonCodes.TOPIC_FILTER_INVALID);
        }
        Integer overLimit = overLimit(filter);
        if (overLimit != null) {
            return overLimit;
        }
        Integer notAuthorized = notAuthorized(filter);
        if (notAuthorized != null) {
            return notAuthorized;
        }
        MqttSubscriptionOption o = request.option();
        int qos = o.qos().value();
        boolean v5 = session.isMqtt5();
        int retainHandling = v5 ? o.retainHandling().value() : 0;
        Subscription sub = new Subscription(
                filter, qos, v5 && o.isNoLocal(), v5 && o.isRetainAsPublished(), retainHandling, subscriptionId);
        Subscription previous = session.putSubscription(sub);
        CompletableFuture<Void> added = subscribers.add(session, sub);
        if (!added.isDone() || added.isCompletedExceptionally()) {
            // A shared subscription waits for its share group, a normal one for the live reader to read its topics.
            joined.add(added);
        }
        changes.add(new Subscription[] {sub, previous});
        // Retain Handling: 0 = send retained, 1 = only for a new subscription, 2 = never [MQTT-3.3.1-9..11].
        // Retained messages are sent for non-shared subscriptions only (MQTT 5 section 4.8.2).
        if (!filter.isShared() && (retainHandling == 0 || (retainHandling == 1 && previous == null))) {
            int[] ids = subscriptionId == 0 ? new int[0] : new int[] {subscriptionId};
            for (Message m : retained.matching(filter)) {
                if (!session.mayReceive(m.topic())) {
                    continue; // a retained message of a topic the ACL rules deny is not delivered either
                }
                retainedToSend.add(new Delivery(m, Math.min(qos, m.qos()), true, ids, null, -1, false));
            }
        }
        return qos;
    }

    /** The SUBACK code of a filter refused by the node's limits, or null when it is within them. */
    private Integer overLimit(TopicFilter filter) {
        if (limits.topics().exceeded(filter.text()) != null) {
            metrics.limitHit(LimitKind.TOPIC_SIZE);
            return failure(ReasonCodes.TOPIC_FILTER_INVALID);
        }
        boolean isNew = session.subscriptions().stream()
                .noneMatch(s -> s.filter().text().equals(filter.text()));
        if (isNew && session.subscriptions().size() >= limits.maxSubscriptionsPerClient()) {
            // Re-subscribing to a filter the session holds replaces it and does not count.
            metrics.limitHit(LimitKind.SUBSCRIPTIONS_PER_CLIENT);
            return failure(ReasonCodes.QUOTA_EXCEEDED);
        }
        return null;
    }

    /**
     * The SUBACK code of a filter the ACL rules refuse (MQTT 5 0x87, MQTT 3.1.1 0x80), or null. A shared
     * subscription is judged by its inner filter; a subscription the session already holds stays.
     */
    private Integer notAuthorized(TopicFilter filter) {
        String denied = ConnectionToken.subscribeDenied(authorizer, session, filter); // ACLs, then the token's
        if (denied == null) {
            return null;
        }
        metrics.aclDenied(AclAction.SUBSCRIBE);
        LOG.debug(
                "SUBSCRIBE of client {} (user {}) to '{}' refused: {}",
                session.clientId(),
                session.principal(),
                filter.text(),
                denied);
        return failure(ReasonCodes.NOT_AUTHORIZED);
    }

    private int failure(byte v5Code) {
        return session.isMqtt5() ? v5Code & 0xFF : ReasonCodes.V3_SUBSCRIBE_FAILURE & 0xFF;
    }

    public void onUnsubscribe(MqttUnsubscribeMessage msg) {
        int packetId = msg.idAndPropertiesVariableHeader().messageId();
        if (msg.payload().topics().isEmpty()) {
            connection.protocolViolation(
                    ReasonCodes.PROTOCOL_ERROR, "UNSUBSCRIBE without topic filters [MQTT-3.10.3-2]");
            return;
        }
        List<Short> codes = new ArrayList<>();
        List<Subscription> removed = new ArrayList<>();
        for (String filter : msg.payload().topics()) {
            Subscription gone = session.removeSubscription(filter);
            if (gone != null) {
                subscribers.remove(session, gone);
                removed.add(gone);
                codes.add((short) ReasonCodes.SUCCESS);
            } else {
                codes.add((short) ReasonCodes.NO_SUBSCRIPTION_EXISTED);
            }
        }
        CompletableFuture<Void> stored =
                session.isPersistent() ? sessions.save(session) : CompletableFuture.completedFuture(null);
        var channel = connection.context().channel();
        stored.whenComplete((v, e) -> channel.eventLoop().execute(() -> {
            if (e != null) {
                // Not stored in Kafka: keep the subscriptions, as SUBSCRIBE does. MQTT 5 says so in the
                // UNSUBACK; MQTT 3.1.1 has no failure code, so the client is disconnected and re-sends.
                for (Subscription s : removed) {
                    session.putSubscription(s);
                    subscribers.add(session, s);
                }
                if (!session.isMqtt5()) {
                    connection.protocolViolation(ReasonCodes.UNSPECIFIED_ERROR, "UNSUBSCRIBE could not be stored");
                    return;
                }
                codes.replaceAll(c -> (short) (ReasonCodes.UNSPECIFIED_ERROR & 0xFF));
            }
            connection.context().writeAndFlush(Packets.unsubAck(packetId, session.isMqtt5(), codes));
        }));
    }
}
