/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import static io.tributary.mqtt.delivery.OutboxTest.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.delivery.DeliveryState.PendingRelease;
import io.tributary.mqtt.delivery.OutboxTest.FakeReader;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A session's progress through its shards: live or replayed, and what a checkpoint stores of it. */
class DeliveryCursorsTest {

    private static final TopicPartition TP = new TopicPartition("messages", 0);
    private static final TopicPartition OTHER = new TopicPartition("messages", 1);
    private static final String SHARD = Shards.id(TP);

    private static DeliveryState checkpoint(DeliveryCursors cursors, long readerDispatched) {
        DeliveryCursors.Checkpoint checkpoint = new DeliveryCursors.Checkpoint();
        for (TopicPartition tp : cursors.shards()) {
            cursors.checkpoint(tp, readerDispatched, checkpoint);
        }
        return checkpoint.toState(List.of(), List.of());
    }

    private static DeliveryCursors resumed(long committed, long sentUpTo) {
        DeliveryCursors cursors = new DeliveryCursors();
        cursors.resume(
                List.of(TP, OTHER),
                new DeliveryState(Map.of(SHARD, committed), Map.of(SHARD, sentUpTo), Map.of(), List.of(), Map.of()));
        return cursors;
    }

    @Test
    void liveShardCommitsItsLowestUnacknowledgedOffset() {
        DeliveryCursors cursors = new DeliveryCursors();
        cursors.startLive(List.of(TP));
        assertThat(cursors.offerLive(delivery(10, 1), false)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(cursors.offerLive(delivery(11, 1), false)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(checkpoint(cursors, 20).committed()).containsEntry(SHARD, 10L);

        cursors.acknowledged(delivery(10, 1));
        assertThat(checkpoint(cursors, 20).committed()).containsEntry(SHARD, 11L);
        cursors.acknowledged(delivery(11, 1));
        assertThat(checkpoint(cursors, 20).committed()).containsEntry(SHARD, 20L);
    }

    @Test
    void aFullQueueDropsQos0AndSwitchesTheShardToCatchUpForQos1() {
        DeliveryCursors cursors = new DeliveryCursors();
        cursors.startLive(List.of(TP));
        assertThat(cursors.offerLive(delivery(3, 0), true)).isEqualTo(Outbox.Offer.DROPPED);
        assertThat(cursors.catchingUp()).isEmpty();

        assertThat(cursors.offerLive(delivery(4, 1), true)).isEqualTo(Outbox.Offer.NEEDS_CATCH_UP);
        assertThat(cursors.catchingUp()).containsExactly(Map.entry(TP, 4L));
        assertThat(cursors.offerLive(delivery(5, 1), false))
                .as("the replay delivers it")
                .isEqualTo(Outbox.Offer.IGNORED);
    }

    @Test
    void aShardTheSessionDidNotKnowIsLive() {
        DeliveryCursors cursors = new DeliveryCursors();
        assertThat(cursors.offerLive(delivery(0, 1), false)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(cursors.shards()).containsExactly(TP);
    }

    @Test
    void resumedShardsWithStoredProgressReplayAndTheOthersAreLive() {
        DeliveryCursors cursors = resumed(10, 0);
        assertThat(cursors.catchingUp()).containsExactly(Map.entry(TP, 10L));
        assertThat(cursors.offerLive(delivery(12, 1), false)).isEqualTo(Outbox.Offer.IGNORED);
        assertThat(cursors.offerLive(
                        new Delivery(delivery(12, 1).message(), 1, false, Delivery.NO_IDS, OTHER, 12, false), false))
                .isEqualTo(Outbox.Offer.QUEUED);
        assertThat(cursors.shouldReplay(TP, 9)).isFalse();
        assertThat(cursors.shouldReplay(TP, 10)).isTrue();
        assertThat(cursors.shouldReplay(OTHER, 10)).isFalse();
    }

    @Test
    void replayedMessagesBelowSentUpToCarryDupAndMoveTheReplayOn() {
        DeliveryCursors cursors = resumed(10, 12);
        assertThat(cursors.isReplaying(delivery(11, 1))).isTrue();
        assertThat(cursors.replayed(delivery(11, 1)).dup()).isTrue();
        assertThat(cursors.isReplaying(delivery(11, 1))).as("already past it").isFalse();
        assertThat(cursors.replayed(delivery(12, 1)).dup()).isFalse();
        assertThat(cursors.catchingUp()).containsEntry(TP, 13L);
        assertThat(checkpoint(cursors, 0).committed())
                .as("nothing acknowledged yet")
                .containsEntry(SHARD, 11L);
    }

    @Test
    void theReplayHandsOverToLiveOnceTheLiveReaderHasNotClaimedPastIt() {
        DeliveryCursors cursors = resumed(10, 0);
        assertThat(cursors.advanceReplay(TP, 15, new FakeReader().at(17))).isFalse();
        assertThat(cursors.advanceReplay(TP, 17, new FakeReader().at(17))).isTrue();
        assertThat(cursors.catchingUp()).isEmpty();
        assertThat(cursors.offerLive(delivery(16, 1), false)).isEqualTo(Outbox.Offer.IGNORED);
        assertThat(cursors.offerLive(delivery(17, 1), false)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(cursors.advanceReplay(TP, 20, new FakeReader().at(30)))
                .as("live already")
                .isTrue();
    }

    @Test
    void theLiveReaderTakesTheShardBackAtTheOffsetTheReplayStandsAt() {
        DeliveryCursors cursors = new DeliveryCursors();
        cursors.startLive(List.of(TP));
        assertThat(cursors.offerLive(delivery(4, 1), true)).isEqualTo(Outbox.Offer.NEEDS_CATCH_UP);
        assertThat(cursors.offerLive(delivery(5, 1), false))
                .as("the replay has not delivered 4 yet")
                .isEqualTo(Outbox.Offer.IGNORED);
        cursors.replayed(delivery(4, 1));
        cursors.replayed(delivery(5, 1));
        assertThat(cursors.offerLive(delivery(6, 1), true))
                .as("a full queue leaves it to the replay")
                .isEqualTo(Outbox.Offer.IGNORED);
        cursors.replayed(delivery(6, 1));
        // The live reader claimed 7 before the replay's hand-over check: advanceReplay cannot hand over there...
        assertThat(cursors.advanceReplay(TP, 7, new FakeReader().at(8))).isFalse();
        // ...but the live reader, offering 7 where the replay stands, takes the shard back itself.
        assertThat(cursors.offerLive(delivery(7, 1), false)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(cursors.catchingUp()).isEmpty();
        assertThat(cursors.isReplaying(delivery(7, 1)))
                .as("the replay skips it")
                .isFalse();
        assertThat(cursors.offerLive(delivery(8, 1), false)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(checkpoint(cursors, 8).committed()).containsEntry(SHARD, 4L);
    }

    @Test
    void theLiveReaderDoesNotTakeBackAnOffsetOwedAsDupOrToSkip() {
        DeliveryCursors cursors = resumed(10, 12);
        assertThat(cursors.offerLive(delivery(10, 1), false))
                .as("sent before: the replay sends it with DUP")
                .isEqualTo(Outbox.Offer.IGNORED);
        cursors.replayed(delivery(10, 1));
        cursors.replayed(delivery(11, 1));
        assertThat(cursors.offerLive(delivery(12, 1), false)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(cursors.catchingUp()).isEmpty();
    }

    @Test
    void pendingReleasesAreNotReplayed() {
        DeliveryCursors cursors = new DeliveryCursors();
        cursors.resume(
                List.of(TP),
                new DeliveryState(
                        Map.of(SHARD, 10L),
                        Map.of(SHARD, 11L),
                        Map.of(),
                        List.of(new PendingRelease(7, SHARD, 10)),
                        Map.of()));
        assertThat(cursors.shouldReplay(TP, 10)).isFalse();
        assertThat(cursors.shouldReplay(TP, 11)).isTrue();
    }

    @Test
    void packetIdsOfSentMessagesAreKeptUntilAcknowledgedAndCheckpointed() {
        DeliveryCursors cursors = new DeliveryCursors();
        cursors.startLive(List.of(TP));
        cursors.offerLive(delivery(5, 1), false);
        cursors.offerLive(delivery(6, 1), false);
        cursors.sent(delivery(5, 1), 1);
        cursors.sent(delivery(6, 1), 2);
        assertThat(cursors.packetIdSentWith(delivery(6, 1))).isEqualTo(2);

        cursors.acknowledged(delivery(5, 1));
        assertThat(cursors.packetIdSentWith(delivery(5, 1))).isNull();
        DeliveryState state = checkpoint(cursors, 9);
        assertThat(state.packetIds()).containsEntry(SHARD, Map.of(6L, 2));
        assertThat(state.sentUpTo()).containsEntry(SHARD, 7L);
        assertThat(state.committed()).containsEntry(SHARD, 6L);
    }

    @Test
    void aCheckpointResumesWhereItStood() {
        DeliveryCursors cursors = new DeliveryCursors();
        cursors.startLive(List.of(TP));
        for (long o = 5; o < 8; o++) {
            cursors.offerLive(delivery(o, 1), false);
            cursors.sent(delivery(o, 1), (int) o);
        }
        cursors.acknowledged(delivery(6, 1));
        DeliveryState stored = checkpoint(cursors, 9);

        DeliveryCursors again = new DeliveryCursors();
        again.resume(List.of(TP), stored);

        assertThat(checkpoint(again, 9)).isEqualTo(stored);
        assertThat(again.shouldReplay(TP, 5)).isTrue();
        assertThat(again.shouldReplay(TP, 6)).as("acknowledged").isFalse();
        assertThat(again.replayed(delivery(7, 1)).dup()).isTrue();
        assertThat(again.packetIdSentWith(delivery(7, 1))).isEqualTo(7);
    }
}
