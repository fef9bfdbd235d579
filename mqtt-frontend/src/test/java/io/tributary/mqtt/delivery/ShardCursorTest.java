/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a session's replay of one shard would start, as acknowledgements arrive in any order. */
class ShardCursorTest {

    @Test
    void committedOffsetIsTheLowestUnacknowledged() {
        ShardCursor c = ShardCursor.live();
        c.outstanding.add(10L);
        c.outstanding.add(11L);
        c.outstanding.add(12L);

        c.acknowledged(11);
        assertThat(c.committed(100)).isEqualTo(10);
        assertThat(c.skip).containsExactly(11L);

        c.acknowledged(10);
        assertThat(c.committed(100)).isEqualTo(12);
        assertThat(c.skip).as("offsets below the floor need no skip entry").isEmpty();
    }

    @Test
    void liveCursorWithNothingOutstandingCommitsTheReaderPosition() {
        ShardCursor c = ShardCursor.live();
        assertThat(c.committed(50)).isEqualTo(50);
        c.liveFrom = 70;
        assertThat(c.committed(50)).isEqualTo(70);
    }

    @Test
    void acknowledgementAheadOfTheReaderDispatchedPositionIsNotReplayed() {
        ShardCursor c = ShardCursor.live();
        c.outstanding.add(60L);
        c.acknowledged(60);
        // The reader is still dispatching the batch that held offset 60.
        assertThat(c.committed(55)).isEqualTo(61);
    }

    @Test
    void catchingUpCursorCommitsWhereTheReplayStands() {
        ShardCursor c = ShardCursor.catchingUp(40, 0);
        assertThat(c.committed(100)).isEqualTo(40);
    }

    @Test
    void skipEntryAheadOfTheReplaySurvivesWhenEverythingDeliveredIsAcknowledged() {
        ShardCursor c = ShardCursor.catchingUp(10, 13);
        c.skip.add(12L); // acknowledged in an earlier connection
        c.outstanding.add(10L);
        c.catchUpFrom = 11;

        c.acknowledged(10);

        assertThat(c.committed(100)).isEqualTo(11);
        assertThat(c.skip).containsExactly(12L);
    }

    /**
     * A resumed session completes the QoS 2 messages it held (PUBREL, PUBCOMP) before its replay reached them:
     * the replay must still skip them, and nothing below where the replay stands counts as done.
     */
    @Test
    void releasesCompletedBeforeTheReplayReachesThemStaySkipped() {
        ShardCursor c = ShardCursor.catchingUp(0, 12);
        for (long released = 5; released <= 7; released++) {
            c.outstanding.add(released); // as DeliveryCursors.resume puts a stored release
            c.skip.add(released);
        }
        assertThat(c.committed(100)).as("the replay has read nothing yet").isEqualTo(0);

        c.acknowledged(5);
        c.acknowledged(6);
        c.acknowledged(7);

        assertThat(c.committed(100)).isEqualTo(0);
        assertThat(c.skip).containsExactly(5L, 6L, 7L);
    }
}
