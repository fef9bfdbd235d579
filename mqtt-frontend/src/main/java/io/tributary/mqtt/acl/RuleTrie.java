/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The filters of some ACL rules as a trie of levels, for the PUBLISH check: which rule, if any, names a topic.
 * The cost follows the topic's levels, not the number of rules. Built once per rule snapshot, then only read
 * (safely published through {@link Authorizer}'s volatile field).
 * <p>
 * Not {@code SubscriptionTrie}: that one follows subscription semantics (a leading wildcard skips {@code $}
 * topics), is concurrent for live updates and visits every match; a rule's wildcards name {@code $} topics too,
 * the rules never change in place, and the first match is enough.
 */
final class RuleTrie {

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();

        @Nullable
        Node plus;
        /** The rule whose filter ends here with '#' (this level and everything below). */
        @Nullable
        String rest;
        /** The rule whose filter ends exactly at this level. */
        @Nullable
        String exact;
    }

    private final Node root = new Node();
    private boolean empty = true;

    /** Adds a rule's filter (already validated). The first rule added for a filter is the one reported. */
    void add(String filter, String ruleName) {
        Node node = root;
        String[] levels = filter.split("/", -1);
        for (String level : levels) {
            if (level.equals("#")) {
                if (node.rest == null) {
                    node.rest = ruleName;
                }
                empty = false;
                return;
            }
            if (level.equals("+")) {
                if (node.plus == null) {
                    node.plus = new Node();
                }
                node = node.plus;
            } else {
                node = node.children.computeIfAbsent(level, l -> new Node());
            }
        }
        if (node.exact == null) {
            node.exact = ruleName;
        }
        empty = false;
    }

    boolean isEmpty() {
        return empty;
    }

    /** The name of a rule whose filter matches the topic name (split into levels), or null. */
    @Nullable
    String firstMatch(String[] topic) {
        return empty ? null : match(root, topic, 0);
    }

    private static @Nullable String match(Node node, String[] topic, int depth) {
        if (node.rest != null) {
            return node.rest; // '#' names this level's parent too: a/# matches a [MQTT-4.7.1-2]
        }
        if (depth == topic.length) {
            return node.exact;
        }
        Node literal = node.children.get(topic[depth]);
        String found = literal == null ? null : match(literal, topic, depth + 1);
        if (found == null && node.plus != null) {
            found = match(node.plus, topic, depth + 1);
        }
        return found;
    }
}
