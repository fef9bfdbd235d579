/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementListener;
import java.util.Locale;
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

    private volatile AclRules rules = AclRules.EMPTY;

    public Authorizer(boolean allowWhenNoRule) {
        this.allowWhenNoRule = allowWhenNoRule;
    }

    /** From {@code acl.no.match}; the rules arrive with {@link #apply}. */
    public static Authorizer fromConfig(BrokerConfig config) {
        return new Authorizer(!"deny"
                .equals(config.getString(BrokerConfig.ACL_NO_MATCH_CONFIG).toLowerCase(Locale.ROOT)));
    }

    /** Applies a new {@code acl.no.match} ({@code allow} or {@code deny}) to the next PUBLISH and SUBSCRIBE. */
    public void noMatch(String value) {
        if (this == ALLOW_ALL) {
            throw new IllegalStateException("the shared allow-all authorizer has no setting");
        }
        allowWhenNoRule = !"deny".equals(value.toLowerCase(Locale.ROOT));
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
     * checked by its inner filter. An ALLOW rule's filter must cover the requested one; a DENY rule applies as
     * soon as the two filters can match a common topic.
     */
    public @Nullable String subscribeDenied(@Nullable String principal, TopicFilter filter) {
        AclRules current = rules;
        if (current.isEmpty()) {
            return allowWhenNoRule ? null : NO_RULE;
        }
        return why(current.subscribe(principal, filter));
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
