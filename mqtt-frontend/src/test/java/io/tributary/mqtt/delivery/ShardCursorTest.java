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
}
