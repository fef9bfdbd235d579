/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.shared;

import io.tributary.mqtt.delivery.SubscriberRegistry.Subscriber;
import io.tributary.mqtt.topic.Subscription;
import java.util.concurrent.CompletableFuture;

/**
 * The port through which shared subscriptions receive the messages of one share group: the Kafka adapter
 * ({@code kafka.ShareGroupReader}) reads the group with a share consumer and hands each record to one local
 * member. Created per (ShareName, filter) while the node has at least one member of it.
 */
public interface ShareGroupFeed {

    /** The Kafka share group this feed reads. */
    String groupId();

    /** Completes once the group's consumer has joined, so a SUBACK does not promise messages it cannot get. */
    CompletableFuture<Void> ready();

    /** Starts reading; the consumer is created on the feed's own thread, never on the caller's. */
    void start();

    /** Adds (or replaces) a local member. */
    void put(Subscriber subscriber, Subscription subscription);

    /** Removes a local member; true when it was the last one and the feed should stop. */
    boolean remove(Subscriber subscriber);

    /** Stops reading, releasing what members did not acknowledge, without blocking the caller. */
    void stop();

    /** Waits for the feed's thread to end (at node shutdown). */
    void join(long millis) throws InterruptedException;
}
