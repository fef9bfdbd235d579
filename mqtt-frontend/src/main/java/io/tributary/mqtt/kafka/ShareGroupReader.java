/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.ShareLease;
import io.tributary.mqtt.delivery.SubscriberRegistry.Subscriber;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.shared.ShareGroupFeed;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.mqtt.topic.TopicName;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one shared subscription's Kafka share group on this node and hands each matching record to ONE local
 * member, through that member's outbox. One thread per group: a {@link ShareConsumer} is single-threaded.
 *
 * <p>The consumer runs in explicit acknowledgement mode, whose rule is that every record of a poll is
 * acknowledged before the next poll. So the loop is: poll a bounded batch, offer each record to a member, then
 * wait for the members to complete them (the outboxes settle each record's {@link ShareLease} from the event
 * loops; completions come back through a queue), acknowledge, poll again. A record is ACCEPTed when the member
 * has it (QoS 0 written, QoS 1 PUBACK, QoS 2 once it is the member's: stored with its session, with a marker that
 * keeps a redelivery from other members, see {@link ShareTakenMarkers}, and completed to it on reconnect) or when it does not match the filter; it is RELEASEd, so
 * Kafka gives it to another member on this or another node, when the member's connection ends first, or when
 * it has not been completed within most of the acquisition lock duration (after which Kafka would redeliver it
 * anyway). A record no member can take now (outboxes full) is kept and offered again while waiting.
 */
public final class ShareGroupReader implements ShareGroupFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ShareGroupReader.class);
    private static final int[] NO_IDS = new int[0];
    private static final long DEFAULT_LOCK_MS = 30_000;

    private record Member(Subscriber subscriber, Subscription subscription) {}

    /** @param marked a QoS 2 ACCEPT whose marker is in Kafka: removed once the ACCEPT is committed */
    private record Completion(Lease lease, AcknowledgeType type, boolean marked) {}

    /** One acquired record delivered to a member; settled once, by the member's outbox or by this reader. */
    private final class Lease implements ShareLease {
        final ConsumerRecord<byte[], byte[]> record;
        /** A QoS 2 delivery: its ACCEPT makes the message its member's for good, so it is committed at once. */
        final boolean qos2;

        final AtomicBoolean settled = new AtomicBoolean();

        Lease(ConsumerRecord<byte[], byte[]> record, boolean qos2) {
            this.record = record;
            this.qos2 = qos2;
        }

        @Override
        public void accept() {
            settle(AcknowledgeType.ACCEPT, false);
        }

        @Override
        public void acceptMarked() {
            settle(AcknowledgeType.ACCEPT, true);
        }

        @Override
        public void release() {
            settle(AcknowledgeType.RELEASE, false);
        }

        @Override
        public String group() {
            return groupId;
        }

        @Override
        public TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }

        @Override
        public long offset() {
            return record.offset();
        }

        private void settle(AcknowledgeType type, boolean marked) {
            if (settled.compareAndSet(false, true)) {
                completions.add(new Completion(this, type, marked));
            }
        }
    }

    private final String groupId;
    private final TopicFilter filter;
    private final Supplier<ShareConsumer<byte[], byte[]>> consumers;
    /** Told of each consumer this reader closed (the node's metrics stop reading it). */
    private final java.util.function.Consumer<ShareConsumer<byte[], byte[]>> closed;

    private final ShareGroupStart start;
    private final TopicRouter router;
    private final int defaultQos;
    private final BrokerMetrics metrics;
    /** Which of the group's records reached a member (exactly once on); null when QoS 2 is not exactly once. */
    private final @Nullable ShareGroupMarkers markers;

    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread thread;
    private volatile List<Member> members = List.of();
    private volatile boolean running = true;
    private volatile ShareConsumer<byte[], byte[]> consumer;

    // Reader-thread confined.
    private final Set<Lease> outstanding = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> waiting = new ArrayDeque<>();
    private int next;
    /** A QoS 2 record was ACCEPTed since the last commit. */
    private boolean ownedUncommitted;

    public ShareGroupReader(
            String groupId,
            TopicFilter filter,
            Supplier<ShareConsumer<byte[], byte[]>> consumers,
            ShareGroupStart start,
            TopicRouter router,
            int defaultQos,
            BrokerMetrics metrics,
            @Nullable ShareTakenMarkers markers,
            java.util.function.Consumer<ShareConsumer<byte[], byte[]>> closed) {
        this.groupId = groupId;
        this.markers = markers == null ? null : new ShareGroupMarkers(groupId, markers);
        this.closed = closed;
        this.filter = filter;
        this.consumers = consumers;
        this.start = start;
        this.router = router;
        this.defaultQos = defaultQos;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "tributary-share-" + groupId);
        this.thread.setDaemon(true);
    }

    @Override
    public String groupId() {
        return groupId;
    }

    /** Completes once the group delivers what is published from now on (see {@link ShareGroupStart}). */
    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void start() {
        thread.start();
    }

    /** Adds or replaces a member. Callers serialise membership changes. */
    @Override
    public void put(Subscriber subscriber, Subscription subscription) {
        List<Member> updated = new ArrayList<>(members);
        updated.removeIf(m -> m.subscriber() == subscriber);
        updated.add(new Member(subscriber, subscription));
        members = List.copyOf(updated);
    }

    /** Removes a member; true when none is left. */
    @Override
    public boolean remove(Subscriber subscriber) {
        List<Member> updated = new ArrayList<>(members);
        updated.removeIf(m -> m.subscriber() == subscriber);
        members = List.copyOf(updated);
        return updated.isEmpty();
    }

    /** Asks the thread to release what it holds and close the consumer; returns at once. */
    @Override
    public void stop() {
        running = false;
        ShareConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void run() {
        try {
            start.initialise(groupId);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not set the start of share group {}; a new group starts at the latest offsets when "
                            + "it is first assigned: {}",
                    groupId,
                    e.toString());
        }
        ready.complete(null);
        ShareConsumer<byte[], byte[]> c;
        try {
            c = consumers.get();
        } catch (RuntimeException e) {
            LOG.warn("Cannot create the share consumer of {}: {}", groupId, e.toString());
            return;
        }
        consumer = c;
        LOG.info("Shared subscription {} reads share group {} on this node", filter.text(), groupId);
        boolean failing = false;
        try {
            if (markers != null) {
                c.setAcknowledgementCommitCallback(markers::committed);
            }
            c.subscribe(start.topics());
            long lockMs = 0;
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = c.poll(Duration.ofMillis(100));
                } catch (WakeupException e) {
                    continue;
                } catch (RuntimeException e) {
                    if (!failing) { // once per failure streak, not once a second
                        LOG.warn("Share group {} poll failed, retrying: {}", groupId, e.toString());
                    }
                    failing = true;
                    pause(1000);
                    continue;
                }
                failing = false;
                if (lockMs == 0 && !records.isEmpty()) {
                    lockMs =
                            c.acquisitionLockTimeoutMs().map(Integer::longValue).orElse(DEFAULT_LOCK_MS);
                }
                Set<Outbox> touched = Collections.newSetFromMap(new IdentityHashMap<>());
                if (markers != null) {
                    markers.beforeDispatch(records, lockMs == 0 ? DEFAULT_LOCK_MS : lockMs);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    dispatch(c, record, touched);
                }
                touched.forEach(Outbox::scheduleDrain);
                // Most of the lock duration: a record a member has not completed by then is released while it
                // is still ours to release, and the next poll is not held up beyond it.
                awaitCompletions(c, System.currentTimeMillis() + (lockMs == 0 ? DEFAULT_LOCK_MS : lockMs) * 4 / 5);
            }
            releaseOutstanding(c);
        } catch (RuntimeException e) {
            LOG.warn("Share group reader {} failed: {}", groupId, e.toString());
        } finally {
            try {
                c.close(Duration.ofSeconds(5)); // commits the acknowledgements given since the last poll
            } catch (RuntimeException e) {
                LOG.debug("closing share consumer {}", groupId, e);
            }
            closed.accept(c);
            LOG.info("Share group {} closed on this node: no local member left", groupId);
        }
    }

    private void dispatch(ShareConsumer<byte[], byte[]> c, ConsumerRecord<byte[], byte[]> record, Set<Outbox> touched) {
        Message m = ShardReader.decode(record.topic(), record, router, defaultQos);
        if (m == null || !filter.matches(TopicName.levels(m.topic())) || noMemberMayReceive(m.topic())) {
            c.acknowledge(record, AcknowledgeType.ACCEPT); // not for this subscription: done with it
            return;
        }
        if (m.qos() == 2 && markers != null && markers.takenBefore(record)) {
            // A member took it (its session lists it and completes it) before its node died without the ACCEPT: the
            // lock ran out and the group gives it out again. Accepted now, it reaches no second member [MQTT-4.8.2-5].
            c.acknowledge(record, AcknowledgeType.ACCEPT);
            markers.accepted(record);
            c.commitAsync();
            return;
        }
        if (!offer(record, m, touched)) {
            // Every local member is busy (outbox full) or gone: keep the record and offer it again while waiting
            // for completions. Releasing it would count as a delivery attempt, and Kafka archives a record after
            // group.share.delivery.count.limit attempts.
            waiting.add(record);
        }
    }

    /** Offers the record to one member, round-robin; false when none takes it. */
    private boolean offer(ConsumerRecord<byte[], byte[]> record, Message m, Set<Outbox> touched) {
        List<Member> candidates = members;
        for (int i = 0; i < candidates.size(); i++) {
            Member member = candidates.get(Math.floorMod(next++, candidates.size()));
            if (!member.subscriber().mayReceive(m.topic())) {
                continue; // the ACL rules deny this member the topic: another member may take it
            }
            Subscription s = member.subscription();
            int qos = Math.min(s.qos(), m.qos());
            Lease lease = new Lease(record, qos == 2);
            int[] ids = s.subscriptionId() == 0 ? NO_IDS : new int[] {s.subscriptionId()};
            Delivery d = Delivery.shared(m, qos, s.retainAsPublished() && m.retain(), ids, lease);
            outstanding.add(lease); // before the offer: the outbox may settle it at once
            if (member.subscriber().outbox().offerShared(d)) {
                touched.add(member.subscriber().outbox());
                metrics.sharedDelivered();
                return true;
            }
            outstanding.remove(lease);
            lease.settled.set(true);
        }
        return false;
    }

    /**
     * True when the ACL rules deny the topic to every local member: the record is done with here rather than
     * waiting for a member that may take it (a member on another node gets the records of its own reader).
     */
    private boolean noMemberMayReceive(String topic) {
        List<Member> current = members;
        for (Member member : current) {
            if (member.subscriber().mayReceive(topic)) {
                return false;
            }
        }
        return !current.isEmpty(); // no member at all: the record waits for one, as before
    }

    /** Offers the records no member could take earlier, in order; stops at the first that is refused again. */
    private void offerWaiting() {
        Set<Outbox> touched = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!waiting.isEmpty()) {
            ConsumerRecord<byte[], byte[]> record = waiting.peek();
            Message m = ShardReader.decode(record.topic(), record, router, defaultQos);
            if (m == null || !offer(record, m, touched)) {
                break;
            }
            waiting.poll();
        }
        touched.forEach(Outbox::scheduleDrain);
    }

    /** Gives the records no member took back to Kafka, for a member on another node or later here. */
    private void releaseWaiting(ShareConsumer<byte[], byte[]> c) {
        ConsumerRecord<byte[], byte[]> record;
        while ((record = waiting.poll()) != null) {
            c.acknowledge(record, AcknowledgeType.RELEASE);
            metrics.sharedReleased();
        }
    }

    private void awaitCompletions(ShareConsumer<byte[], byte[]> c, long deadline) {
        while ((!outstanding.isEmpty() || !waiting.isEmpty()) && running) {
            offerWaiting();
            Completion done;
            try {
                done = completions.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
                return;
            }
            if (done != null) {
                acknowledge(c, done);
                if (done.type() == AcknowledgeType.ACCEPT && done.lease().qos2) {
                    ownedUncommitted = true;
                }
                if (done.marked() && markers != null) {
                    markers.accepted(done.lease().record);
                }
                if (ownedUncommitted && completions.isEmpty()) {
                    // The member's session lists the message as its own: if this node died before the next poll,
                    // Kafka would not know of the ACCEPT and would give the record to another member after its
                    // lock, while the member's session sends it again too. Committed now, the window is a moment.
                    c.commitAsync();
                    ownedUncommitted = false;
                }
            } else if (System.currentTimeMillis() > deadline) {
                LOG.debug(
                        "Share group {}: {} records not completed in time, released",
                        groupId,
                        outstanding.size() + waiting.size());
                releaseOutstanding(c);
            }
        }
    }

    private void acknowledge(ShareConsumer<byte[], byte[]> c, Completion done) {
        if (!outstanding.remove(done.lease())) {
            return; // released earlier by this reader
        }
        c.acknowledge(done.lease().record, done.type());
        if (done.type() == AcknowledgeType.RELEASE) {
            metrics.sharedReleased();
        }
    }

    /** Releases every record still held, taking them back from the members' outboxes. */
    private void releaseOutstanding(ShareConsumer<byte[], byte[]> c) {
        releaseWaiting(c);
        Completion done;
        while ((done = completions.poll()) != null) {
            acknowledge(c, done);
        }
        for (Lease l : new HashSet<>(outstanding)) {
            if (l.settled.compareAndSet(false, true)) {
                c.acknowledge(l.record, AcknowledgeType.RELEASE);
                metrics.sharedReleased();
            }
        }
        // A lease settled by an outbox meanwhile has its completion queued: acknowledge it as the outbox said.
        while ((done = completions.poll()) != null) {
            if (outstanding.remove(done.lease())) {
                c.acknowledge(done.lease().record, done.type());
            }
        }
        outstanding.clear();
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis); // back-off after a failed poll, on this reader's own thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
