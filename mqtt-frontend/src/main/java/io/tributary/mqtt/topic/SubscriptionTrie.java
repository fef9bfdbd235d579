/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.topic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Topic-filter trie of the node: which subscribers match a topic name. Subscriptions change on event-loop
 * threads while shard readers match on theirs, so every node is a concurrent map; a match never locks.
 *
 * @param <S> subscriber
 * @param <O> subscription options of that subscriber for that filter
 */
public final class SubscriptionTrie<S, O> {

    private static final class Node<S, O> {
        final Map<String, Node<S, O>> children = new ConcurrentHashMap<>();
        final Map<S, O> subscribers = new ConcurrentHashMap<>();
    }

    private final Node<S, O> root = new Node<>();

    /** Adds or replaces the subscriber's subscription for the filter; true when it added (the filter is new to it). */
    public boolean put(List<String> filterLevels, S subscriber, O options) {
        Node<S, O> node = root;
        for (String level : filterLevels) {
            node = node.children.computeIfAbsent(level, l -> new Node<>());
        }
        return node.subscribers.put(subscriber, options) == null;
    }

    public boolean remove(List<String> filterLevels, S subscriber) {
        Node<S, O> node = root;
        for (String level : filterLevels) {
            node = node.children.get(level);
            if (node == null) {
                return false;
            }
        }
        // Empty nodes are left in place: removing them races with concurrent puts, and a topic tree
        // is bounded by the filters clients use.
        return node.subscribers.remove(subscriber) != null;
    }

    /** Calls the visitor once per (subscriber, options) of every filter that matches the topic. */
    public void match(List<String> topicLevels, BiConsumer<S, O> visitor) {
        boolean system = !topicLevels.isEmpty() && topicLevels.get(0).startsWith("$");
        match(root, topicLevels, 0, system, visitor);
    }

    private void match(Node<S, O> node, List<String> levels, int depth, boolean system, BiConsumer<S, O> visitor) {
        boolean wildcardAllowed = !(system && depth == 0); // [MQTT-4.7.2-1]
        if (wildcardAllowed) {
            Node<S, O> hash = node.children.get("#");
            if (hash != null) {
                hash.subscribers.forEach(visitor);
            }
        }
        if (depth == levels.size()) {
            node.subscribers.forEach(visitor);
            return;
        }
        Node<S, O> exact = node.children.get(levels.get(depth));
        if (exact != null) {
            match(exact, levels, depth + 1, system, visitor);
        }
        if (wildcardAllowed) {
            Node<S, O> plus = node.children.get("+");
            if (plus != null) {
                match(plus, levels, depth + 1, system, visitor);
            }
        }
    }
}
