/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.tributary.mqtt.delivery.DeliveryState.PendingRelease;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The outbound half of a session, driven by hand: a fake writer stands in for the client connection. */
class OutboxTest {

    private static final TopicPartition TP = new TopicPartition("messages", 0);
    private static final String SHARD = Shards.id(TP);

    /** Records what would go on the wire. */
    static final class FakeWriter implements OutboundWriter {
        final List<Written> publishes = new ArrayList<>();
        final List<Integer> pubrels = new ArrayList<>();
        boolean writable = true;

        record Written(long offset, int packetId, int qos, boolean dup) {}

        @Override
        public EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public boolean fits(Delivery delivery) {
            return true;
        }

        @Override
        public void writePublish(Delivery d, int packetId) {
            publishes.add(new Written(d.offset(), packetId, d.qos(), d.dup()));
        }

        @Override
        public void writePubrel(int packetId) {
            pubrels.add(packetId);
        }

        @Override
        public void flush() {}

        List<Long> offsets() {
            return publishes.stream().map(Written::offset).toList();
        }

        int packetIdOf(long offset) {
            return publishes.stream()
                    .filter(w -> w.offset() == offset)
                    .findFirst()
                    .orElseThrow()
                    .packetId();
        }
    }

    /** The live shard reader's positions, set by the test. */
    static final class FakeReader implements ReaderPositions {
        final Map<TopicPartition, Long> claimed = new HashMap<>();
        final Map<TopicPartition, Long> dispatched = new HashMap<>();

        FakeReader at(long position) {
            claimed.put(TP, position);
            dispatched.put(TP, position);
            return this;
        }

        @Override
        public long claimed(TopicPartition shard) {
            return claimed.getOrDefault(shard, 0L);
        }

        @Override
        public long dispatched(TopicPartition shard) {
            return dispatched.getOrDefault(shard, 0L);
        }
    }

    private final AtomicLong dropped = new AtomicLong();
    private final FakeWriter writer = new FakeWriter();

    static Delivery delivery(long offset, int qos) {
        Message m = new Message(
                "a/b", ("m" + offset).getBytes(StandardCharsets.UTF_8), qos, false, "pub", MessageProperties.NONE);
        return new Delivery(m, qos, false, Delivery.NO_IDS, TP, offset, false);
    }

    private Outbox liveOutbox(int capacity) {
        Outbox outbox = new Outbox(capacity, 100, dropped);
        outbox.startLive(List.of(TP));
        return outbox;
    }

    private Outbox resumed(DeliveryState state) {
        Outbox outbox = new Outbox(100, 100, dropped);
        outbox.resume(List.of(TP), state);
        outbox.attach(writer, 65535, state.releases());
        return outbox;
    }

    private static DeliveryState stored(long committed, long sentUpTo, List<Long> skip, List<PendingRelease> releases) {
        return new DeliveryState(
                Map.of(SHARD, committed),
                sentUpTo == 0 ? Map.of() : Map.of(SHARD, sentUpTo),
                skip.isEmpty() ? Map.of() : Map.of(SHARD, skip),
                releases,
                Map.of());
    }

    /** Replays offsets [from, to) as a catch-up reader would. */
    private static void replay(Outbox outbox, long from, long to) {
        for (long o = from; o < to; o++) {
            if (outbox.shouldReplay(TP, o)) {
                assertThat(outbox.offerReplay(delivery(o, 1))).isTrue();
            }
        }
    }

    @Test
    void committedOffsetIsTheLowestUnacknowledgedDelivery() {
        Outbox outbox = liveOutbox(100);
        outbox.attach(writer, 65535, List.of());
        FakeReader reader = new FakeReader().at(20);
        for (long o = 10; o < 13; o++) {
            outbox.offerLive(delivery(o, 1));
        }
        outbox.drain();
        assertThat(writer.offsets()).containsExactly(10L, 11L, 12L);

        outbox.complete(writer.packetIdOf(11));
        DeliveryState s = outbox.snapshot(reader, List.of());
        assertThat(s.committed()).containsEntry(SHARD, 10L);
        assertThat(s.skip()).containsEntry(SHARD, List.of(11L));

        outbox.complete(writer.packetIdOf(10));
        assertThat(outbox.snapshot(reader, List.of()).committed()).containsEntry(SHARD, 12L);

        outbox.complete(writer.packetIdOf(12));
        assertThat(outbox.snapshot(reader, List.of()).committed()).containsEntry(SHARD, 20L);
    }

    @Test
    void aQos2MessageIsWrittenOnlyOnceItsPacketIdIsStoredAndWhatFollowsItWaitsInOrder() {
        Outbox outbox = liveOutbox(100);
        outbox.attach(writer, 65535, List.of());
        List<DeliveryState> storedStates = new ArrayList<>();
        CompletableFuture<Void> store = new CompletableFuture<>();
        FakeReader reader = new FakeReader().at(20);
        outbox.guardReleases(() -> {
            storedStates.add(outbox.snapshot(reader, List.of())); // what the session's record would hold
            return store;
        });
        outbox.offerLive(delivery(10, 1));
        outbox.offerLive(delivery(11, 2));
        outbox.offerLive(delivery(12, 1));
        outbox.drain();
        assertThat(writer.offsets()).as("before the QoS 2 message: at once").containsExactly(10L);
        outbox.offerLive(delivery(13, 0));
        outbox.drain(); // a read in between does not overtake the held messages
        assertThat(writer.offsets()).containsExactly(10L);
        assertThat(storedStates).hasSize(1);
        assertThat(storedStates.get(0).packetIds().get(SHARD)).containsKey(11L);

        store.complete(null);
        assertThat(writer.offsets()).containsExactly(10L, 11L, 12L, 13L);
        assertThat(writer.publishes.get(1).packetId())
                .isEqualTo(storedStates.get(0).packetIds().get(SHARD).get(11L));
    }

    @Test
    void qos0OverflowIsDroppedAndCounted() {
        Outbox outbox = liveOutbox(2); // no client attached: nothing drains
        assertThat(outbox.offerLive(delivery(1, 0))).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(outbox.offerLive(delivery(2, 0))).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(outbox.offerLive(delivery(3, 0))).isEqualTo(Outbox.Offer.DROPPED);
        assertThat(outbox.offerLive(delivery(4, 0))).isEqualTo(Outbox.Offer.DROPPED);
        assertThat(dropped).hasValue(2);
        assertThat(outbox.queued()).isEqualTo(2);
    }

    @Test
    void qos1OverflowSwitchesTheShardToCatchUpFromTheOverflowingOffset() {
        Outbox outbox = liveOutbox(2);
        outbox.offerLive(delivery(1, 1));
        outbox.offerLive(delivery(2, 1));
        assertThat(outbox.offerLive(delivery(3, 1))).isEqualTo(Outbox.Offer.NEEDS_CATCH_UP);
        assertThat(outbox.catchingUp()).containsEntry(TP, 3L);
        assertThat(outbox.offerLive(delivery(4, 1)))
                .as("the replay delivers it")
                .isEqualTo(Outbox.Offer.IGNORED);
        assertThat(dropped).hasValue(0);
        assertThat(outbox.snapshot(new FakeReader().at(5), List.of()).committed())
                .containsEntry(SHARD, 1L);
    }

    @Test
    void replayHandsOverToLiveWithoutGapOrDuplicate() {
        Outbox outbox = resumed(stored(10, 0, List.of(), List.of()));
        FakeReader reader = new FakeReader().at(17);
        assertThat(outbox.offerLive(delivery(17, 1))).isEqualTo(Outbox.Offer.IGNORED);

        replay(outbox, 10, 15);
        assertThat(outbox.advanceReplay(TP, 15, reader))
                .as("the live reader is ahead")
                .isFalse();
        replay(outbox, 15, 17);
        assertThat(outbox.advanceReplay(TP, 17, reader)).isTrue();
        assertThat(outbox.catchingUp()).isEmpty();

        assertThat(outbox.offerLive(delivery(16, 1))).isEqualTo(Outbox.Offer.IGNORED);
        assertThat(outbox.offerLive(delivery(17, 1))).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(outbox.offerLive(delivery(18, 1))).isEqualTo(Outbox.Offer.QUEUED);
        outbox.drain();
        assertThat(writer.offsets()).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L);
    }

    @Test
    void handOverWhileTheReaderHasNotReachedTheReplayPosition() {
        Outbox outbox = resumed(stored(10, 0, List.of(), List.of()));
        FakeReader reader = new FakeReader().at(11); // still dispatching offset 11 and later
        replay(outbox, 10, 13);
        assertThat(outbox.advanceReplay(TP, 13, reader)).isTrue();
        assertThat(outbox.offerLive(delivery(11, 1))).isEqualTo(Outbox.Offer.IGNORED);
        assertThat(outbox.offerLive(delivery(12, 1))).isEqualTo(Outbox.Offer.IGNORED);
        assertThat(outbox.offerLive(delivery(13, 1))).isEqualTo(Outbox.Offer.QUEUED);
        outbox.drain();
        assertThat(writer.offsets()).containsExactly(10L, 11L, 12L, 13L);
    }

    @Test
    void replayBelowSentUpToCarriesDup() {
        Outbox outbox = resumed(stored(10, 12, List.of(), List.of()));
        replay(outbox, 10, 13);
        outbox.drain();
        assertThat(writer.publishes).extracting(FakeWriter.Written::dup).containsExactly(true, true, false);
    }

    @Test
    void replaySkipsOffsetsAcknowledgedInAnEarlierConnection() {
        Outbox outbox = resumed(stored(10, 13, List.of(12L), List.of()));
        replay(outbox, 10, 11);
        outbox.drain();
        outbox.complete(writer.packetIdOf(10));
        replay(outbox, 11, 14);
        outbox.drain();
        assertThat(writer.offsets()).containsExactly(10L, 11L, 13L);
    }

    @Test
    void unacknowledgedInFlightMessageIsStoredForResendWithDup() {
        Outbox outbox = liveOutbox(100);
        outbox.attach(writer, 65535, List.of());
        outbox.offerLive(delivery(5, 1));
        outbox.drain();

        DeliveryState state = outbox.detach(new FakeReader().at(9));

        assertThat(state.committed()).containsEntry(SHARD, 5L);
        assertThat(state.sentUpTo()).containsEntry(SHARD, 6L);
        FakeWriter next = new FakeWriter();
        Outbox again = new Outbox(100, 100, dropped);
        again.resume(List.of(TP), state);
        again.attach(next, 65535, state.releases());
        replay(again, 5, 6);
        again.drain();
        assertThat(next.publishes).containsExactly(new FakeWriter.Written(5, 1, 1, true));
    }

    @Test
    void resentMessageKeepsItsOriginalPacketId() {
        Outbox outbox = liveOutbox(100);
        outbox.attach(writer, 65535, List.of());
        outbox.offerLive(delivery(5, 1));
        outbox.offerLive(delivery(6, 1));
        outbox.drain();
        outbox.complete(writer.packetIdOf(5));
        int original = writer.packetIdOf(6);
        assertThat(original).isEqualTo(2);

        DeliveryState state = outbox.detach(new FakeReader().at(9));
        assertThat(state.packetIds()).containsEntry(SHARD, Map.of(6L, original));

        FakeWriter next = new FakeWriter();
        Outbox again = new Outbox(100, 100, dropped);
        again.resume(List.of(TP), state);
        again.attach(next, 65535, state.releases());
        replay(again, 6, 8);
        again.drain();
        // [MQTT-4.4.0-1]: the unacknowledged PUBLISH is re-sent with its original packet identifier.
        assertThat(next.publishes)
                .containsExactly(new FakeWriter.Written(6, original, 1, true), new FakeWriter.Written(7, 1, 1, false));
    }

    @Test
    void completedQos2MessageIsNotDeliveredAgainAfterReconnect() {
        PendingRelease release = new PendingRelease(7, SHARD, 10);
        Outbox outbox = resumed(stored(10, 11, List.of(), List.of(release)));
        assertThat(writer.pubrels).containsExactly(7);

        outbox.complete(7); // PUBCOMP before the replay reached offset 10
        replay(outbox, 10, 12);
        outbox.drain();

        assertThat(writer.offsets()).containsExactly(11L);
    }

    @Test
    void resumedSessionStoredBeforeAttachKeepsItsPendingReleases() {
        PendingRelease release = new PendingRelease(7, SHARD, 10);
        Outbox outbox = new Outbox(100, 100, dropped);
        outbox.resume(List.of(TP), stored(10, 11, List.of(), List.of(release)));

        // What SessionRegistry stores when it establishes the session, before CONNACK and attach.
        DeliveryState early = outbox.snapshot(new FakeReader().at(12), outbox.pendingReleases());
        assertThat(early.releases()).containsExactly(release);

        Outbox closedEarly = new Outbox(100, 100, dropped);
        closedEarly.resume(List.of(TP), stored(10, 11, List.of(), List.of(release)));
        assertThat(closedEarly.detach(new FakeReader().at(12)).releases())
                .as("closed before attach")
                .containsExactly(release);

        outbox.attach(writer, 65535, List.of(release));
        assertThat(outbox.pendingReleases()).containsExactly(release);
        outbox.complete(7);
        assertThat(outbox.pendingReleases()).isEmpty();
    }

    @Test
    void drainStopsAtTheClientReceiveMaximum() {
        Outbox outbox = liveOutbox(100);
        outbox.attach(writer, 2, List.of());
        for (long o = 0; o < 5; o++) {
            outbox.offerLive(delivery(o, 1));
        }
        outbox.drain();
        assertThat(writer.offsets()).containsExactly(0L, 1L);
        outbox.complete(writer.packetIdOf(0));
        assertThat(writer.offsets())
                .as("refilled at the end of the read, not per PUBACK")
                .containsExactly(0L, 1L);
        outbox.drain();
        assertThat(writer.offsets()).containsExactly(0L, 1L, 2L);
    }
}
