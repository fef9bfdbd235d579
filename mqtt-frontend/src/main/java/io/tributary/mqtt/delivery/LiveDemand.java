/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.topic.TopicFilter;
import java.util.concurrent.CompletableFuture;

/**
 * What the node's subscriptions ask of the live shard reader: it reads only the Kafka topics some subscription of a
 * connected session may receive from (docs/architecture.md, "A node reads what its subscribers need"). The
 * {@link SubscriberRegistry} counts each (session, filter) once, so {@link #add} and {@link #remove} pair up.
 */
public interface LiveDemand {

    /** A connected session subscribed to {@code filter} (a normal subscription, not a shared one). */
    void add(TopicFilter filter);

    /** A session's subscription to {@code filter} is gone (unsubscribed, revoked, or the session left). */
    void remove(TopicFilter filter);

    /**
     * Completes once the live reader reads every Kafka topic {@code filter} may receive from, positioned at their
     * ends: what is published from then on reaches the subscription. At once when it does already.
     */
    CompletableFuture<Void> ready(TopicFilter filter);

    /** Every topic is read all the time (a node without a demand-following reader, and unit tests). */
    LiveDemand ALWAYS = new LiveDemand() {
        @Override
        public void add(TopicFilter filter) {}

        @Override
        public void remove(TopicFilter filter) {}

        @Override
        public CompletableFuture<Void> ready(TopicFilter filter) {
            return CompletableFuture.completedFuture(null);
        }
    };
}
