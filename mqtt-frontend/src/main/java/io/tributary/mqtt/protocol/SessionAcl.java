/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.topic.TopicFilter;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** The node's ACL rules as the session registry asks them: for resumed subscriptions and each delivered message. */
public final class SessionAcl implements SessionRegistry.Access {

    private final Authorizer authorizer;

    public SessionAcl(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public @Nullable String subscriptionDenied(@Nullable String principal, TopicFilter filter) {
        return authorizer.subscribeDenied(principal, filter);
    }

    @Override
    public Predicate<String> readCheck(@Nullable String principal) {
        return authorizer.readCheck(principal);
    }
}
