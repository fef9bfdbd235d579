/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The port of the node's live shard reader ({@code kafka.ShardReader}) as sessions see it: which shards it
 * reads, and how far. A session starts live delivery at these positions or resumes from its stored cursors.
 */
public interface LiveShards extends ReaderPositions {

    /** The shards (Kafka partitions of the message topics) the live reader reads now. */
    List<TopicPartition> shards();
}
