/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Whether a message may be delivered to one session, asked for every message its subscriptions match (the live
 * reader, a catch-up, a share group and retained messages each ask): a wildcard subscription granted although it
 * overlaps a DENY must not receive the denied topics, and rules change while a session lives.
 * <p>
 * Cost: when no SUBSCRIBE DENY rule applies to the principal and {@code acl.no.match=allow}, two field reads and
 * no lookup. Otherwise one lookup in a per-session cache of verdicts by topic name (no allocation on a hit); a
 * miss walks the rule tries once (splitting the topic). The cache belongs to one version of the rules and starts
 * over when they change; it is cleared when it reaches {@link #MAX_TOPICS}, so a session that sees millions of
 * distinct topics pays the trie walk (well under a microsecond) instead of holding them all. Thread-safe: the
 * live reader, catch-up readers and the session's event loop call it concurrently.
 */
public final class ReadCheck implements Predicate<String> {

    static final int MAX_TOPICS = 4096;
    private static final Verdicts NO_RULES = new Verdicts(AclRules.EMPTY, true);

    private final Authorizer authorizer;
    private final @Nullable String principal;
    // Shared until rules apply: its cache is never written, since test() returns before the cache without rules.
    private volatile Verdicts verdicts = NO_RULES;

    /** The verdicts of one version of the rules and of {@code acl.no.match}. */
    private record Verdicts(AclRules rules, boolean allowWhenNoRule, ConcurrentHashMap<String, Boolean> byTopic) {
        Verdicts(AclRules rules, boolean allowWhenNoRule) {
            this(rules, allowWhenNoRule, new ConcurrentHashMap<>());
        }
    }

    ReadCheck(Authorizer authorizer, @Nullable String principal) {
        this.authorizer = authorizer;
        this.principal = principal;
    }

    /** True when a message of {@code topic} may be delivered to the session. */
    @Override
    public boolean test(String topic) {
        AclRules rules = authorizer.rules();
        boolean allowWhenNoRule = authorizer.allowWhenNoRule();
        if (rules.isEmpty()) {
            return allowWhenNoRule;
        }
        if (allowWhenNoRule && !rules.hasReadDeny(principal)) {
            return true; // nothing to filter: no DENY applies, and no match means allowed
        }
        Verdicts v = verdicts;
        if (v.rules() != rules || v.allowWhenNoRule() != allowWhenNoRule) {
            v = new Verdicts(rules, allowWhenNoRule);
            verdicts = v;
        }
        Boolean cached = v.byTopic().get(topic);
        if (cached != null) {
            return cached;
        }
        boolean allowed = authorizer.readDenied(principal, topic) == null;
        if (v.byTopic().size() >= MAX_TOPICS) {
            v.byTopic().clear();
        }
        v.byTopic().put(topic, allowed);
        return allowed;
    }

    /** Topics whose verdict is cached now (for tests of the bound). */
    int cachedTopics() {
        return verdicts.byTopic().size();
    }
}
