/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.placement.Entity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACL rules of one placement image, compiled for the checks of the PUBLISH and SUBSCRIBE paths: grouped by
 * principal, then by action and permission, each filter split into levels once. Immutable, so event loops read
 * it without locks; {@link Authorizer} swaps in a new one when the rules change.
 * <p>
 * A check looks at the rules of the client's user name and those of {@code *} (everyone, anonymous included):
 * a DENY that applies wins; otherwise an ALLOW that applies lets the client in; otherwise the node's
 * {@code acl.no.match} decides. Cost: PUBLISH walks two tries per permission along the topic's levels;
 * SUBSCRIBE makes one pass over the rules of the two principals for that action; the read check of a delivered
 * message walks the SUBSCRIBE tries like PUBLISH (and {@link ReadCheck} caches its verdict per topic).
 */
final class AclRules {

    private static final Logger LOG = LoggerFactory.getLogger(AclRules.class);
    static final String EVERYONE = "*";
    static final AclRules EMPTY = new AclRules(Map.of(), Rules.NONE);

    /** A rule's filter with the name it is logged under. */
    record Rule(String name, AclFilter filter) {}

    /**
     * The rules of one principal, by action and permission; PUBLISH and SUBSCRIBE hold the ALL rules too. PUBLISH
     * asks "which filter matches this topic", answered by a trie; SUBSCRIBE compares filters with filters, rule
     * by rule (a SUBSCRIBE is much rarer than a PUBLISH).
     */
    record Rules(
            RuleTrie publishDeny,
            RuleTrie publishAllow,
            Rule[] subscribeDeny,
            Rule[] subscribeAllow,
            RuleTrie readDeny,
            RuleTrie readAllow) {
        static final Rules NONE =
                new Rules(new RuleTrie(), new RuleTrie(), new Rule[0], new Rule[0], new RuleTrie(), new RuleTrie());
    }

    private final Map<String, Rules> byPrincipal;
    private final Rules everyone;

    private AclRules(Map<String, Rules> byPrincipal, Rules everyone) {
        this.byPrincipal = byPrincipal;
        this.everyone = everyone;
    }

    /** Compiles the ACL entities of an image; an entity whose filter is not a plain valid filter is skipped. */
    static AclRules of(Collection<Entity.Acl> acls) {
        Map<String, List<List<Rule>>> lists = new HashMap<>();
        for (Entity.Acl acl : acls) {
            String invalid = invalidFilter(acl.filter());
            if (invalid != null || acl.principal() == null || acl.action() == null || acl.permission() == null) {
                LOG.warn(
                        "Ignoring ACL rule '{}' (version {}) of the cluster metadata: {}",
                        acl.name(),
                        acl.version(),
                        invalid != null ? invalid : "principal, action and permission are required");
                continue;
            }
            List<List<Rule>> of = lists.computeIfAbsent(
                    acl.principal(),
                    p -> List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            Rule rule = new Rule(acl.name(), new AclFilter(acl.filter()));
            int permission = acl.permission() == Entity.Permission.DENY ? 0 : 1;
            if (acl.action().covers(Entity.Action.PUBLISH)) {
                of.get(permission).add(rule);
            }
            if (acl.action().covers(Entity.Action.SUBSCRIBE)) {
                of.get(2 + permission).add(rule);
            }
        }
        if (lists.isEmpty()) {
            return EMPTY;
        }
        Map<String, Rules> byPrincipal = new HashMap<>();
        // The SUBSCRIBE rules serve twice: filter against filter at SUBSCRIBE, and (as tries) against the topic
        // of each message delivered, so that a wildcard subscription never receives what a DENY protects.
        lists.forEach((principal, l) -> byPrincipal.put(
                principal,
                new Rules(
                        trie(l.get(0)),
                        trie(l.get(1)),
                        array(l.get(2)),
                        array(l.get(3)),
                        trie(l.get(2)),
                        trie(l.get(3)))));
        Rules everyone = byPrincipal.remove(EVERYONE);
        return new AclRules(Map.copyOf(byPrincipal), everyone == null ? Rules.NONE : everyone);
    }

    private static @Nullable String invalidFilter(@Nullable String filter) {
        if (filter == null) {
            return "no topic filter";
        }
        try {
            return TopicFilter.parse(filter).isShared() ? "an ACL filter is a plain filter, not $share/..." : null;
        } catch (IllegalArgumentException e) {
            return "invalid topic filter: " + e.getMessage();
        }
    }

    private static RuleTrie trie(List<Rule> rules) {
        RuleTrie trie = new RuleTrie();
        for (Rule r : rules) {
            trie.add(r.filter().text(), r.name());
        }
        return trie;
    }

    private static Rule[] array(List<Rule> rules) {
        return rules.toArray(new Rule[0]);
    }

    boolean isEmpty() {
        return byPrincipal.isEmpty() && everyone == Rules.NONE;
    }

    private Rules of(@Nullable String principal) {
        Rules r = principal == null ? null : byPrincipal.get(principal);
        return r == null ? Rules.NONE : r;
    }

    /** The verdict on a PUBLISH to {@code topic}: the rule's filter must match the topic name. */
    Verdict publish(@Nullable String principal, String topic) {
        String[] levels = topic.split("/", -1);
        Rules own = of(principal);
        String deny = own.publishDeny().firstMatch(levels);
        if (deny == null) {
            deny = everyone.publishDeny().firstMatch(levels);
        }
        if (deny != null) {
            return Verdict.denied(deny);
        }
        return own.publishAllow().firstMatch(levels) != null
                        || everyone.publishAllow().firstMatch(levels) != null
                ? Verdict.ALLOWED
                : Verdict.NO_MATCH;
    }

    /**
     * True when a message delivered to {@code principal} may need filtering: some SUBSCRIBE DENY rule applies to
     * it. Without one (and with {@code acl.no.match=allow}) every topic a granted subscription matches may be read.
     */
    boolean hasReadDeny(@Nullable String principal) {
        return !of(principal).readDeny().isEmpty() || !everyone.readDeny().isEmpty();
    }

    /**
     * The verdict on delivering a message of {@code topic} (split into levels) to a subscriber: the SUBSCRIBE
     * rules judged against the topic name, as PUBLISH rules are against a published one.
     */
    Verdict read(@Nullable String principal, String[] topic) {
        Rules own = of(principal);
        String deny = own.readDeny().firstMatch(topic);
        if (deny == null) {
            deny = everyone.readDeny().firstMatch(topic);
        }
        if (deny != null) {
            return Verdict.denied(deny);
        }
        return own.readAllow().firstMatch(topic) != null || everyone.readAllow().firstMatch(topic) != null
                ? Verdict.ALLOWED
                : Verdict.NO_MATCH;
    }

    /**
     * The verdict on a SUBSCRIBE to {@code filter} (the inner filter of a shared subscription): an ALLOW applies
     * when its filter covers the requested one. A DENY applies when its filter covers the requested one
     * ({@code refuseOverlap} false: the subscriber's messages are filtered at delivery instead, see
     * {@link #read}), or as soon as the two have a topic in common ({@code refuseOverlap} true).
     */
    Verdict subscribe(@Nullable String principal, TopicFilter filter, boolean refuseOverlap) {
        List<String> levels = filter.levels();
        Rules own = of(principal);
        Rule deny = firstDenying(own.subscribeDeny(), levels, refuseOverlap);
        if (deny == null) {
            deny = firstDenying(everyone.subscribeDeny(), levels, refuseOverlap);
        }
        if (deny != null) {
            return Verdict.denied(deny.name());
        }
        return firstCovering(own.subscribeAllow(), levels) || firstCovering(everyone.subscribeAllow(), levels)
                ? Verdict.ALLOWED
                : Verdict.NO_MATCH;
    }

    private static @Nullable Rule firstDenying(Rule[] rules, List<String> filter, boolean refuseOverlap) {
        for (Rule r : rules) {
            if (refuseOverlap ? r.filter().overlaps(filter) : r.filter().covers(filter)) {
                return r;
            }
        }
        return null;
    }

    private static boolean firstCovering(Rule[] rules, List<String> filter) {
        for (Rule r : rules) {
            if (r.filter().covers(filter)) {
                return true;
            }
        }
        return false;
    }

    /** What the rules say about one request; {@code rule} names the DENY rule that applied. */
    record Verdict(Kind kind, @Nullable String rule) {
        enum Kind {
            ALLOWED,
            DENIED,
            NO_MATCH
        }

        static final Verdict ALLOWED = new Verdict(Kind.ALLOWED, null);
        static final Verdict NO_MATCH = new Verdict(Kind.NO_MATCH, null);

        static Verdict denied(String rule) {
            return new Verdict(Kind.DENIED, rule);
        }
    }
}
