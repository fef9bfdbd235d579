/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.SubscriptionTrie;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The node's subscription trie: which connected sessions' outboxes a topic reaches. Shared subscriptions
 * ({@code $share/...}) are not in the trie: the live and catch-up readers never deliver them; they go to
 * {@link SharedMembers}, whose share-group readers deliver each message to one member.
 */
public final class SubscriberRegistry {

    /** A connected session as the delivery path sees it. */
    public interface Subscriber {
        String clientId();

        Outbox outbox();

        /** The session's current subscriptions, for replays that match without the trie. */
        java.util.Collection<Subscription> subscriptions();

        /**
         * Whether a message of {@code topic} may be delivered to this session: its subscriptions matching the topic
         * is not enough when the ACL rules deny it (docs/security.md, "ACLs that filter"). Asked for every message
         * matched, so it must be cheap.
         */
        default boolean mayReceive(String topic) {
            return true;
        }
    }

    /** Members of shared subscriptions on this node. */
    public interface SharedMembers {
        /** Adds or replaces a member; completes when the share group delivers what is published from now on. */
        CompletableFuture<Void> join(Subscriber subscriber, Subscription subscription);

        void leave(Subscriber subscriber, Subscription subscription);
    }

    private static final SharedMembers NO_SHARING = new SharedMembers() {
        @Override
        public CompletableFuture<Void> join(Subscriber subscriber, Subscription subscription) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void leave(Subscriber subscriber, Subscription subscription) {}
    };

    private final SubscriptionTrie<Subscriber, Subscription> trie = new SubscriptionTrie<>();
    private volatile SharedMembers shared = NO_SHARING;
    private volatile LiveDemand demand = LiveDemand.ALWAYS;

    public void setSharedMembers(SharedMembers sharedMembers) {
        this.shared = sharedMembers;
    }

    /** Set once at start, before any session connects: the live reader that follows the subscriptions. */
    public void setLiveDemand(LiveDemand demand) {
        this.demand = demand;
    }

    /**
     * Completes when the subscription receives what is published from now on: a shared one once its share group
     * delivers, a normal one once the live reader reads the Kafka topics it may receive from (at once when it does).
     */
    public CompletableFuture<Void> add(Subscriber subscriber, Subscription subscription) {
        if (subscription.filter().isShared()) {
            return shared.join(subscriber, subscription);
        }
        if (trie.put(subscription.filter().levels(), subscriber, subscription)) {
            demand.add(subscription.filter()); // a replaced subscription of the same filter is counted already
        }
        return demand.ready(subscription.filter());
    }

    public void remove(Subscriber subscriber, Subscription subscription) {
        if (subscription.filter().isShared()) {
            shared.leave(subscriber, subscription);
            return;
        }
        if (trie.remove(subscription.filter().levels(), subscriber)) {
            demand.remove(subscription.filter());
        }
    }

    public void match(List<String> topicLevels, BiConsumer<Subscriber, Subscription> visitor) {
        trie.match(topicLevels, visitor);
    }
}
