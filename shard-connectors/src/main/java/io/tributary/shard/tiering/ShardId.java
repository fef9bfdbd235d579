/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

/** One shard: a Kafka topic-partition. */
public record ShardId(String topic, int partition) {
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
