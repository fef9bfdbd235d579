/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.Objects;

/**
 * A Kafka topic-partition, the unit the table's offsets are kept by. Our own value rather than
 * Kafka's {@code KafkaPartition}: the writer is a library that does not need the Kafka client.
 */
public record KafkaPartition(String topic, int partition) {
    public KafkaPartition {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative, was " + partition);
        }
    }

    /** Parses {@code topic-partition} as {@link #toString()} writes it; a topic may contain '-'. */
    public static KafkaPartition parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("Not a Kafka topic-partition: " + name);
        }
        try {
            return new KafkaPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a Kafka topic-partition: " + name, e);
        }
    }

    /** {@code topic-partition}, as Kafka prints a KafkaPartition. */
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
