/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.delivery.LiveDemand;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.topic.TopicFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live reader's side of {@link LiveDemand}: the filters of the node's connected subscriptions, counted, and
 * how many of them need each Kafka topic. Event loops change the counts and wait on {@link #ready}; the reader's
 * thread takes a {@link #plan} when {@link #takeChanged} says something moved, pauses and resumes its shards by
 * it, and reports with {@link #resumed}, which completes the waits it satisfies.
 *
 * <p>One lock orders the two sides, so that a subscription never misses a record: {@link #ready} answers "read
 * already" only for a topic the reader is not about to pause (a plan takes the topics it pauses out of the read
 * set under the lock, and pauses only topics no counted filter needs); a topic it is pausing or has paused is
 * resumed from its end at a later turn, after the subscription counted, and the subscription waits for that.
 */
final class ReaderDemand implements LiveDemand {

    private record Wait(Set<String> topics, CompletableFuture<Void> done) {}

    /** A filter's subscriptions on this node, and the topics they need (fixed until the mapping rules change). */
    private static final class Need {
        int count;
        Set<String> topics;

        Need(Set<String> topics) {
            this.topics = topics;
        }
    }

    /** What the reader does at one turn: topics to stop reading, topics to read from their ends. */
    record Plan(Set<String> pause, Set<String> resume) {}

    private final TopicRouter router;
    private final long readyTimeoutMs;
    private final AtomicBoolean changed = new AtomicBoolean(true);
    // Guarded by this.
    private final Map<TopicFilter, Need> needs = new HashMap<>();
    private final Map<String, Integer> topicCounts = new HashMap<>();
    private final Set<String> reading = new HashSet<>();
    private final List<Wait> waits = new ArrayList<>();
    /** While mapping rules change: every topic is read, so no subscription misses what the new rules route. */
    private boolean everything;

    /**
     * @param readyTimeout how long a subscription waits for the reader to start reading its topics (Kafka
     *                     unreachable) before it is refused, as a SUBSCRIBE that could not be stored is
     */
    ReaderDemand(TopicRouter router, Duration readyTimeout) {
        this.router = router;
        this.readyTimeoutMs = readyTimeout.toMillis();
    }

    @Override
    public synchronized void add(TopicFilter filter) {
        Need need = needs.computeIfAbsent(filter, f -> new Need(router.kafkaTopicsFor(f.levels())));
        need.count++;
        for (String t : need.topics) {
            topicCounts.merge(t, 1, Integer::sum);
        }
        changed.set(true);
    }

    @Override
    public synchronized void remove(TopicFilter filter) {
        Need need = needs.get(filter);
        if (need == null) {
            return;
        }
        if (--need.count == 0) {
            needs.remove(filter);
        }
        for (String t : need.topics) {
            topicCounts.computeIfPresent(t, (k, n) -> n == 1 ? null : n - 1);
        }
        changed.set(true);
    }

    @Override
    public synchronized CompletableFuture<Void> ready(TopicFilter filter) {
        Need need = needs.get(filter);
        Set<String> topics = need != null ? need.topics : router.kafkaTopicsFor(filter.levels());
        if (reading.containsAll(topics)) {
            return CompletableFuture.completedFuture(null);
        }
        Wait wait = new Wait(topics, new CompletableFuture<>());
        waits.add(wait);
        changed.set(true);
        return wait.done().orTimeout(readyTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Before mapping rules change: read every one of {@code topics} until {@link #rulesChanged}. A subscription's
     * topics under the new rules are read before the rules route a message, whichever they turn out to be.
     */
    synchronized CompletableFuture<Void> readEverything(Set<String> topics) {
        everything = true;
        changed.set(true);
        if (reading.containsAll(topics)) {
            // Read already, and no plan pauses a topic from here on (everything is set under this lock): the
            // reader resumes nothing, so no later turn would complete a wait for these.
            return CompletableFuture.completedFuture(null);
        }
        Wait wait = new Wait(Set.copyOf(topics), new CompletableFuture<>());
        waits.add(wait);
        return wait.done().orTimeout(readyTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Reader thread: shards of {@code topic} were just assigned and are read from their ends. */
    synchronized void adopted(String topic) {
        reading.add(topic);
        completeSatisfiedWaits();
        changed.set(true);
    }

    /** The mapping rules changed (or not, after all): every filter's topics are worked out again. */
    synchronized void rulesChanged() {
        everything = false;
        topicCounts.clear();
        needs.forEach((filter, need) -> {
            need.topics = router.kafkaTopicsFor(filter.levels());
            for (String t : need.topics) {
                topicCounts.merge(t, need.count, Integer::sum);
            }
        });
        changed.set(true);
    }

    /** Whether some counted subscription needs {@code topic} (or mapping rules are changing). Any thread. */
    synchronized boolean wanted(String topic) {
        return everything || topicCounts.containsKey(topic);
    }

    /** Reader thread: whether anything moved since the last call. */
    boolean takeChanged() {
        return changed.getAndSet(false);
    }

    /**
     * Reader thread: what to pause and what to resume among {@code topics} (those it has shards of). Topics to pause
     * leave the read set now, under the lock, so no subscription counted from here on takes them as read.
     */
    synchronized Plan plan(Set<String> topics) {
        Set<String> pause = new HashSet<>();
        Set<String> resume = new HashSet<>();
        for (String t : topics) {
            boolean wanted = everything || topicCounts.containsKey(t);
            if (wanted && !reading.contains(t)) {
                resume.add(t);
            } else if (!wanted && reading.contains(t)) {
                pause.add(t);
            }
        }
        reading.removeAll(pause);
        return new Plan(pause, resume);
    }

    /** Reader thread: it reads these topics now, from positions taken after their subscriptions counted. */
    synchronized void resumed(Set<String> topics) {
        reading.addAll(topics);
        completeSatisfiedWaits();
    }

    private void completeSatisfiedWaits() {
        for (Iterator<Wait> it = waits.iterator(); it.hasNext(); ) {
            Wait w = it.next();
            if (w.done().isDone()) {
                it.remove(); // timed out: its SUBSCRIBE was refused
            } else if (reading.containsAll(w.topics())) {
                w.done().complete(null);
                it.remove();
            }
        }
    }

    /** A plan could not be carried out (Kafka unreachable): the reader tries again at its next turn. */
    void retry() {
        changed.set(true);
    }

    /** The Kafka topics read now. */
    synchronized Set<String> reading() {
        return Set.copyOf(reading);
    }
}
