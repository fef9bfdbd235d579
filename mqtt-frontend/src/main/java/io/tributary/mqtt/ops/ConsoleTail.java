/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.OutboundWriter;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The console's live tail over HTTP, for a node without a WebSocket listener: {@code GET
 * /console/api/tail?filter=F&after=N} answers the messages of filter F numbered after N, polled by the page every
 * second. The first poll of a filter subscribes an internal subscriber to it (QoS 0, live from now, on this node's
 * shard reader like any session); one not polled for {@value #IDLE_MILLIS} ms unsubscribes. A short poll, not a
 * long one: the ops listener has a single thread that also answers the probes.
 *
 * <p>It is not a client: no ACL applies, as nothing on the ops listener is authenticated (keep it on a management
 * address). At most {@value #MAX_TAPS} filters at once, {@value #KEPT} messages kept per filter.
 */
final class ConsoleTail {

    static final int MAX_TAPS = 8;
    static final int KEPT = 200;
    static final long IDLE_MILLIS = 30_000;
    private static final int MAX_TEXT = 500;

    private final SubscriberRegistry subscribers;
    private final Supplier<List<TopicPartition>> liveShards;
    private final LongSupplier clockMillis;
    private final Map<String, Tap> taps = new ConcurrentHashMap<>();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    ConsoleTail(SubscriberRegistry subscribers, Supplier<List<TopicPartition>> liveShards, LongSupplier clockMillis) {
        this.subscribers = subscribers;
        this.liveShards = liveShards;
        this.clockMillis = clockMillis;
    }

    /** The messages of {@code filter} after number {@code after}; subscribes on the first call. */
    Map<String, Object> poll(String filter, long after) {
        TopicFilter parsed = TopicFilter.parse(filter); // IllegalArgumentException: a 400
        if (parsed.isShared()) {
            throw new IllegalArgumentException("a tail takes a plain topic filter, not $share/...");
        }
        sweep();
        Tap tap = taps.get(filter);
        if (tap == null) {
            if (taps.size() >= MAX_TAPS) {
                throw new IllegalArgumentException("at most " + MAX_TAPS + " filters are tailed at once");
            }
            tap = taps.computeIfAbsent(filter, f -> subscribe(parsed));
        }
        tap.polledAtMillis = clockMillis.getAsLong();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filter", filter);
        m.put("messages", tap.after(after));
        return m;
    }

    private Tap subscribe(TopicFilter filter) {
        Tap tap = new Tap(new Subscription(filter, 0, false, false, 2, 0), clockMillis.getAsLong());
        tap.outbox.startLive(liveShards.get());
        tap.outbox.attach(tap, KEPT, List.of());
        subscribers.add(tap, tap.subscription);
        scheduleSweep();
        return tap;
    }

    /** Unsubscribes the filters no page polls any more. */
    void sweep() {
        long now = clockMillis.getAsLong();
        taps.values().removeIf(tap -> {
            boolean idle = now - tap.polledAtMillis > IDLE_MILLIS;
            if (idle) {
                subscribers.remove(tap, tap.subscription);
            }
            return idle;
        });
    }

    /** One pending sweep at a time while filters are tailed: a page closed without a word still unsubscribes. */
    private void scheduleSweep() {
        if (sweepScheduled.compareAndSet(false, true)) {
            GlobalEventExecutor.INSTANCE.schedule(
                    () -> {
                        sweepScheduled.set(false);
                        sweep();
                        if (!taps.isEmpty()) {
                            scheduleSweep();
                        }
                    },
                    IDLE_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** An internal subscriber whose "connection" keeps the last messages in memory. */
    private static final class Tap implements SubscriberRegistry.Subscriber, OutboundWriter {
        final Subscription subscription;
        final Outbox outbox = new Outbox(KEPT, KEPT, new AtomicLong());
        final String id = "console-tail-" + System.identityHashCode(this);
        private final ArrayDeque<Map<String, Object>> kept = new ArrayDeque<>();
        private long seq;
        volatile long polledAtMillis;

        Tap(Subscription subscription, long now) {
            this.subscription = subscription;
            this.polledAtMillis = now;
        }

        synchronized List<Map<String, Object>> after(long after) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> m : kept) {
                if ((long) m.get("seq") > after) {
                    out.add(m);
                }
            }
            return out;
        }

        @Override
        public synchronized void writePublish(Delivery delivery, int packetId) {
            String text = new String(delivery.message().payload(), StandardCharsets.UTF_8);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", ++seq);
            m.put("topic", delivery.message().topic());
            m.put("payload", text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text);
            kept.addLast(m);
            if (kept.size() > KEPT) {
                kept.removeFirst();
            }
        }

        @Override
        public String clientId() {
            return id;
        }

        @Override
        public Outbox outbox() {
            return outbox;
        }

        @Override
        public Collection<Subscription> subscriptions() {
            return List.of(subscription);
        }

        @Override
        public EventExecutor executor() {
            return GlobalEventExecutor.INSTANCE;
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public boolean fits(Delivery delivery) {
            return true;
        }

        @Override
        public void writePubrel(int packetId) {}

        @Override
        public void flush() {}
    }
}
