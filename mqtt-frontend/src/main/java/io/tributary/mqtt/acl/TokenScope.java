/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import io.tributary.mqtt.topic.TopicFilter;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The topic filters a client's token allows (the {@code auth.jwt.acl.claim}): they narrow what the broker's ACL
 * rules allow, never widen it. A PUBLISH must name a topic one of the publish filters covers, a SUBSCRIBE a filter
 * that lies wholly inside one of the subscribe filters (so every message it can match is inside too), and each
 * delivered message a topic inside a subscribe filter. Filters read as ACL rule filters do ({@link AclFilter}).
 * Immutable; the checks allocate nothing but the split of a PUBLISH's topic.
 */
public final class TokenScope {

    private final List<AclFilter> publish;
    private final List<AclFilter> subscribe;

    private TokenScope(List<AclFilter> publish, List<AclFilter> subscribe) {
        this.publish = publish;
        this.subscribe = subscribe;
    }

    /**
     * @throws IllegalArgumentException when a filter is not a valid topic filter
     */
    public static TokenScope of(List<String> publish, List<String> subscribe) {
        return new TokenScope(filters(publish), filters(subscribe));
    }

    private static List<AclFilter> filters(List<String> texts) {
        return texts.stream()
                .map(t -> {
                    TopicFilter.parse(t); // valid, and not a shared subscription's name
                    if (t.startsWith(TopicFilter.SHARE_PREFIX)) {
                        throw new IllegalArgumentException("a token filter is not a shared subscription: " + t);
                    }
                    return new AclFilter(t);
                })
                .toList();
    }

    /** Why the token does not allow a PUBLISH to {@code topic}, or null when it does. */
    public @Nullable String publishDenied(String topic) {
        return covered(publish, levels(topic)) ? null : "outside the token's publish filters " + publish;
    }

    /** Why the token does not allow a SUBSCRIBE to {@code filter} (a shared one by its inner filter), or null. */
    public @Nullable String subscribeDenied(TopicFilter filter) {
        return covered(subscribe, filter.levels()) ? null : "outside the token's subscribe filters " + subscribe;
    }

    /** Whether a message of {@code topic} may reach the client. */
    public boolean mayRead(String topic) {
        return covered(subscribe, levels(topic));
    }

    private static boolean covered(List<AclFilter> filters, List<String> levels) {
        for (AclFilter f : filters) {
            if (f.covers(levels)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> levels(String topic) {
        return Arrays.asList(topic.split("/", -1));
    }

    @Override
    public String toString() {
        return "publish " + publish + ", subscribe " + subscribe;
    }
}
