/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementListener;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may publish and subscribe to what: the ACL rules of the cluster metadata ({@code bin/tributary admin acl
 * put}, {@code PUT /v1/acls/{name}}), followed live. Every change of the rules compiles a new immutable
 * {@link AclRules} and swaps it in; the PUBLISH and SUBSCRIBE paths read the current one without locks, so a new
 * rule applies to the next packet of every connection of every node about a second after it is written.
 * <p>
 * Semantics (docs/operations.md, "Access control"): a rule applies to a client when its principal is the
 * client's authenticated user name or {@code *}; DENY wins over ALLOW; when no rule applies,
 * {@code acl.no.match} decides (allow by default, so a cluster without rules behaves as one without ACLs).
 */
public final class Authorizer implements PlacementListener {

    private static final Logger LOG = LoggerFactory.getLogger(Authorizer.class);
    private static final Authorizer ALLOW_ALL = new Authorizer(true);

    /** {@code acl.no.match}: a cluster-wide setting, which an administrator may change while the node runs. */
    private volatile boolean allowWhenNoRule;

    /**
     * {@code acl.subscribe.overlapping.deny=refuse}: a SUBSCRIBE whose filter has a topic in common with a DENY is
     * refused, rather than granted and filtered at delivery. Cluster-wide, like {@code acl.no.match}.
     */
    private volatile boolean refuseOverlap;

    private volatile AclRules rules = AclRules.EMPTY;

    /** Called after the rules or {@code acl.no.match} changed: held subscriptions are judged again. */
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    public Authorizer(boolean allowWhenNoRule) {
        this(allowWhenNoRule, false);
    }

    public Authorizer(boolean allowWhenNoRule, boolean refuseOverlap) {
        this.allowWhenNoRule = allowWhenNoRule;
        this.refuseOverlap = refuseOverlap;
    }

    /** From {@code acl.no.match} and {@code acl.subscribe.overlapping.deny}; the rules arrive with {@link #apply}. */
    public static Authorizer fromConfig(BrokerConfig config) {
        return new Authorizer(
                !"deny"
                        .equals(config.getString(BrokerConfig.ACL_NO_MATCH_CONFIG)
                                .toLowerCase(Locale.ROOT)),
                "refuse"
                        .equals(config.getString(BrokerConfig.ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG)
                                .toLowerCase(Locale.ROOT)));
    }

    /** Applies a new {@code acl.no.match} ({@code allow} or {@code deny}) to the next PUBLISH and SUBSCRIBE. */
    public void noMatch(String value) {
        if (this == ALLOW_ALL) {
            throw new IllegalStateException("the shared allow-all authorizer has no setting");
        }
        boolean allow = !"deny".equals(value.toLowerCase(Locale.ROOT));
        if (allow != allowWhenNoRule) {
            allowWhenNoRule = allow;
            changeListeners.forEach(Runnable::run);
        }
    }

    /**
     * Applies a new {@code acl.subscribe.overlapping.deny} ({@code filter} or {@code refuse}) to the next SUBSCRIBE;
     * held subscriptions are judged again, as a new SUBSCRIBE of theirs would be.
     */
    public void overlappingDeny(String value) {
        if (this == ALLOW_ALL) {
            throw new IllegalStateException("the shared allow-all authorizer has no setting");
        }
        boolean refuse = "refuse".equals(value.toLowerCase(Locale.ROOT));
        if (refuse != refuseOverlap) {
            refuseOverlap = refuse;
            changeListeners.forEach(Runnable::run);
        }
    }

    /** Runs {@code listener} after each change of the rules or of a setting, on the thread applying it. */
    public void whenChanged(Runnable listener) {
        if (this == ALLOW_ALL) {
            throw new IllegalStateException("the shared allow-all authorizer never changes");
        }
        changeListeners.add(listener);
    }

    /** No rules, everything allowed: for handlers built by hand in tests. */
    public static Authorizer allowAll() {
        return ALLOW_ALL;
    }

    @Override
    public void onChange(PlacementChange change) {
        if (change.touches(Kind.ACL)) {
            apply(change.image());
        }
    }

    public void apply(PlacementImage image) {
        if (this == ALLOW_ALL) {
            throw new IllegalStateException("the shared allow-all authorizer takes no rules");
        }
        rules = AclRules.of(image.acls().values());
        LOG.info(
                "Applied {} ACL rules (offset {} of the cluster metadata)",
                image.acls().size(),
                image.offset());
        changeListeners.forEach(Runnable::run);
    }

    /**
     * Why {@code principal} (null: anonymous) may not publish to {@code topic}, or null when it may. The topic
     * name must match the filter of an ALLOW rule and of no DENY rule.
     */
    public @Nullable String publishDenied(@Nullable String principal, String topic) {
        AclRules current = rules;
        if (current.isEmpty()) {
            return allowWhenNoRule ? null : NO_RULE;
        }
        return why(current.publish(principal, topic));
    }

    /**
     * Why {@code principal} may not subscribe to {@code filter}, or null when it may. A shared subscription is
     * checked by its inner filter. An ALLOW rule's filter must cover the requested one; a DENY rule refuses the
     * filters it covers (the topics a granted wildcard shares with it are filtered out at delivery, see
     * {@link #readCheck}), or, with {@code acl.subscribe.overlapping.deny=refuse}, every filter that can match a
     * topic it names.
     */
    public @Nullable String subscribeDenied(@Nullable String principal, TopicFilter filter) {
        AclRules current = rules;
        if (current.isEmpty()) {
            return allowWhenNoRule ? null : NO_RULE;
        }
        return why(current.subscribe(principal, filter, refuseOverlap));
    }

    /**
     * Why a message of {@code topic} may not be delivered to {@code principal}, or null when it may: the
     * SUBSCRIBE rules judged against the topic name (a DENY whose filter matches it wins; otherwise an ALLOW
     * that matches it, or {@code acl.no.match}). Uncached; the delivery path uses {@link #readCheck}.
     */
    public @Nullable String readDenied(@Nullable String principal, String topic) {
        AclRules current = rules;
        if (current.isEmpty()) {
            return allowWhenNoRule ? null : NO_RULE;
        }
        return why(current.read(principal, topic.split("/", -1)));
    }

    /** The check of every message delivered to one session of {@code principal}, cached per topic. */
    public ReadCheck readCheck(@Nullable String principal) {
        return new ReadCheck(this, principal);
    }

    /** The rules in force, read by {@link ReadCheck} to tell when its cache is stale. */
    AclRules rules() {
        return rules;
    }

    boolean allowWhenNoRule() {
        return allowWhenNoRule;
    }

    private static final String NO_RULE = "no ACL rule allows it (acl.no.match=deny)";

    private @Nullable String why(AclRules.Verdict verdict) {
        return switch (verdict.kind()) {
            case ALLOWED -> null;
            case DENIED -> "denied by ACL rule '" + verdict.rule() + "'";
            case NO_MATCH -> allowWhenNoRule ? null : NO_RULE;
        };
    }
}
