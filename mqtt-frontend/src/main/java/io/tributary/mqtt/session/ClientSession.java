/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import io.netty.channel.Channel;
import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.message.Will;
import io.tributary.mqtt.session.SessionState.StoredSubscription;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One connected client's session: identity, subscriptions, inbound QoS 2 state and the outbox. Mutated on
 * its channel's event loop; the subscription map is concurrent because catch-up readers read it.
 */
public final class ClientSession implements SubscriberRegistry.Subscriber {

    private final String clientId;
    private final int protocolLevel;
    private final Channel channel;
    private final Outbox outbox;
    private final long epoch;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Set<Integer> qos2Received = ConcurrentHashMap.newKeySet();
    private volatile long expiryIntervalSeconds;
    private volatile @Nullable Will will;
    private volatile @Nullable DeliveryState lastSaved;
    private volatile long takenOverAtEpoch;
    private volatile boolean claimed;
    private volatile @Nullable String principal;
    /** Whether a message of a topic may be delivered here, by the ACL rules in force (set before delivery starts). */
    private volatile Predicate<String> mayReceive = topic -> true;

    public ClientSession(
            String clientId,
            int protocolLevel,
            Channel channel,
            Outbox outbox,
            long epoch,
            long expiryIntervalSeconds,
            @Nullable Will will) {
        this.clientId = clientId;
        this.protocolLevel = protocolLevel;
        this.channel = channel;
        this.outbox = outbox;
        this.epoch = epoch;
        this.expiryIntervalSeconds = expiryIntervalSeconds;
        this.will = will;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public Outbox outbox() {
        return outbox;
    }

    @Override
    public Collection<Subscription> subscriptions() {
        return subscriptions.values();
    }

    public @Nullable Subscription putSubscription(Subscription s) {
        return subscriptions.put(s.filter().text(), s);
    }

    public @Nullable Subscription removeSubscription(String filter) {
        return subscriptions.remove(filter);
    }

    public Set<Integer> qos2Received() {
        return qos2Received;
    }

    public int protocolLevel() {
        return protocolLevel;
    }

    public boolean isMqtt5() {
        return protocolLevel == 5;
    }

    public Channel channel() {
        return channel;
    }

    public long epoch() {
        return epoch;
    }

    public long expiryIntervalSeconds() {
        return expiryIntervalSeconds;
    }

    public void setExpiryIntervalSeconds(long seconds) {
        this.expiryIntervalSeconds = seconds;
    }

    public boolean isPersistent() {
        return expiryIntervalSeconds > 0;
    }

    public @Nullable Will will() {
        return will;
    }

    /** A normal DISCONNECT deletes the will [MQTT-3.1.2-10]. */
    public void deleteWill() {
        will = null;
    }

    public void restore(List<StoredSubscription> stored, List<Integer> qos2) {
        for (StoredSubscription s : stored) {
            putSubscription(new Subscription(
                    TopicFilter.parse(s.filter()),
                    s.qos(),
                    s.noLocal(),
                    s.retainAsPublished(),
                    s.retainHandling(),
                    s.subscriptionId()));
        }
        qos2Received.addAll(qos2);
    }

    /** The session as it should be stored, with the given delivery progress and the will it still has. */
    public SessionState toState(DeliveryState delivery, String owner, long disconnectedAtMillis) {
        List<StoredSubscription> stored = new ArrayList<>();
        Map<String, Subscription> ordered = new LinkedHashMap<>(subscriptions);
        for (Subscription s : ordered.values()) {
            stored.add(new StoredSubscription(
                    s.filter().text(),
                    s.qos(),
                    s.noLocal(),
                    s.retainAsPublished(),
                    s.retainHandling(),
                    s.subscriptionId()));
        }
        Will current = will;
        return new SessionState(
                SessionState.CURRENT_VERSION,
                clientId,
                protocolLevel,
                expiryIntervalSeconds,
                stored,
                delivery,
                new ArrayList<>(qos2Received),
                owner,
                epoch,
                disconnectedAtMillis,
                null,
                current == null ? null : SessionState.StoredWill.of(current),
                principal);
    }

    /**
     * Another node claimed this session with a newer epoch: from now on this node writes only its hand-over.
     * True the first time.
     */
    public synchronized boolean takeOverElsewhere(long claimEpoch) {
        if (takenOverAtEpoch != 0) {
            return false;
        }
        takenOverAtEpoch = claimEpoch;
        return true;
    }

    /** The sessions topic confirmed this node's claim of the session's epoch (read back as its first record). */
    public void markClaimed() {
        claimed = true;
    }

    /** Whether this node's claim of the session's epoch is confirmed (until then, no CONNACK went out). */
    public boolean claimed() {
        return claimed;
    }

    /** The epoch of the claim by another node, 0 while this node holds the session. */
    public long takenOverAtEpoch() {
        return takenOverAtEpoch;
    }

    /** The authenticated user name the ACL rules judge this connection by; null for an anonymous client. */
    public @Nullable String principal() {
        return principal;
    }

    /** Set once the client is authenticated; a re-authentication must keep the same user (AuthExchange). */
    public void setPrincipal(@Nullable String user) {
        this.principal = user;
    }

    @Override
    public boolean mayReceive(String topic) {
        return mayReceive.test(topic);
    }

    /** The check of each message delivered to this session ({@code Authorizer.readCheck}). */
    public void setReadCheck(Predicate<String> check) {
        this.mayReceive = check;
    }

    public @Nullable DeliveryState lastSaved() {
        return lastSaved;
    }

    public void markSaved(DeliveryState state) {
        this.lastSaved = state;
    }
}
