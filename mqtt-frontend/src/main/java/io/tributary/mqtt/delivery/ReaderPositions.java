/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import org.apache.kafka.common.TopicPartition;

/**
 * Positions of the node's live shard reader. {@code claimed} moves past an offset before the record is
 * dispatched (so a catch-up reader can hand a shard over to live delivery without a gap);
 * {@code dispatched} moves after (so a checkpoint never skips a record still being dispatched).
 */
public interface ReaderPositions {

    long claimed(TopicPartition shard);

    long dispatched(TopicPartition shard);
}
