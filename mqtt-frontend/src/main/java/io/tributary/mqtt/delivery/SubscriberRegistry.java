/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import java.util.List;
import java.util.function.BiConsumer;

import io.tributary.mqtt.subscribe.Subscription;
import io.tributary.mqtt.subscribe.SubscriptionTrie;

/** The node's subscription trie: which connected sessions' outboxes a topic reaches. */
public final class SubscriberRegistry {

    /** A connected session as the delivery path sees it. */
    public interface Subscriber {
        String clientId();

        Outbox outbox();

        /** The session's current subscriptions, for replays that match without the trie. */
        java.util.Collection<Subscription> subscriptions();
    }

    private final SubscriptionTrie<Subscriber, Subscription> trie = new SubscriptionTrie<>();

    public void add(Subscriber subscriber, Subscription subscription) {
        trie.put(subscription.filter().levels(), subscriber, subscription);
    }

    public void remove(Subscriber subscriber, Subscription subscription) {
        trie.remove(subscription.filter().levels(), subscriber);
    }

    public void match(List<String> topicLevels, BiConsumer<Subscriber, Subscription> visitor) {
        trie.match(topicLevels, visitor);
    }
}
