/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.shared;

import io.tributary.mqtt.delivery.SubscriberRegistry.SharedMembers;
import io.tributary.mqtt.delivery.SubscriberRegistry.Subscriber;
import io.tributary.mqtt.topic.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The shared subscriptions ({@code $share/ShareName/filter}) with members connected to this node: one
 * {@link ShareGroupFeed} per (ShareName, filter) while it has at least one local member. Called on event
 * loops; starting and stopping a reader never blocks (its consumer is created and closed on its own thread).
 */
public final class SharedSubscriptions implements SharedMembers, AutoCloseable {

    private record Key(String shareName, String filter) {}

    private static final long READY_TIMEOUT_SECONDS = 15;

    private final Function<Subscription, ShareGroupFeed> readers;
    private final Map<Key, ShareGroupFeed> running = new HashMap<>();

    /** @param readers creates (not starts) the reader of a shared subscription's group */
    public SharedSubscriptions(Function<Subscription, ShareGroupFeed> readers) {
        this.readers = readers;
    }

    private static Key key(Subscription s) {
        List<String> levels = s.filter().levels();
        return new Key(s.filter().shareGroup(), String.join("/", levels));
    }

    @Override
    public synchronized CompletableFuture<Void> join(Subscriber subscriber, Subscription subscription) {
        ShareGroupFeed reader = running.get(key(subscription));
        if (reader == null) {
            reader = readers.apply(subscription);
            running.put(key(subscription), reader);
            reader.put(subscriber, subscription);
            reader.start();
        } else {
            reader.put(subscriber, subscription);
        }
        // Kafka unreachable: grant after a while rather than hold the SUBACK; the group then starts where Kafka
        // puts it (share.auto.offset.reset) once a member first fetches.
        return reader.ready().completeOnTimeout(null, READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void leave(Subscriber subscriber, Subscription subscription) {
        Key key = key(subscription);
        ShareGroupFeed reader = running.get(key);
        if (reader != null && reader.remove(subscriber)) {
            running.remove(key);
            reader.stop(); // the last local member is gone: the reader closes its consumer on its own thread
        }
    }

    /** Share groups with local members. */
    public synchronized List<String> groups() {
        List<String> ids = new ArrayList<>();
        running.values().forEach(r -> ids.add(r.groupId()));
        return ids;
    }

    @Override
    public void close() throws InterruptedException {
        List<ShareGroupFeed> all;
        synchronized (this) {
            all = new ArrayList<>(running.values());
            running.clear();
        }
        all.forEach(ShareGroupFeed::stop);
        for (ShareGroupFeed r : all) {
            r.join(10_000);
        }
    }
}
