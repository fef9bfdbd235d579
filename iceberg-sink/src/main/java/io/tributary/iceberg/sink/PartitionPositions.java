/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.write.KafkaPartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where each assigned Kafka partition stands: the offset after the last record the sink handled, and where it
 * must resume (docs/iceberg.md, section "sink"). The resume position is the lowest of Connect's committed offset
 * and each table's committed offset. When the task cannot tell Connect's offset, the first record delivered
 * tells it (the consumer starts there); if a table is behind it, the sink asks for a rewind and drops the rest of
 * the batch of that partition.
 */
final class PartitionPositions {
    /** Offset after the last record handled (written, skipped as already held, or rejected). */
    private final Map<KafkaPartition, Long> handledNext = new HashMap<>();
    /** Lowest table offset of partitions whose Connect offset was not known at open; checked on their first record. */
    private final Map<KafkaPartition, Long> unchecked = new HashMap<>();
    /** Rewinds asked for in the current batch: records of these partitions are dropped until the batch ends. */
    private final Map<KafkaPartition, Long> rewinds = new HashMap<>();

    /**
     * Registers newly assigned partitions and returns the seek positions.
     *
     * @param lowestInTables per partition, the lowest offset any table holds for it
     * @param connectCommitted per partition, Connect's committed offset where known
     */
    Map<KafkaPartition, Long> open(
            Collection<KafkaPartition> partitions,
            Map<KafkaPartition, Long> lowestInTables,
            Map<KafkaPartition, Long> connectCommitted) {
        Map<KafkaPartition, Long> seek = new HashMap<>();
        for (KafkaPartition partition : partitions) {
            handledNext.remove(partition);
            rewinds.remove(partition);
            unchecked.remove(partition);
            Long inTables = lowestInTables.get(partition);
            Long inConnect = connectCommitted.get(partition);
            if (inConnect != null) {
                seek.put(partition, inTables == null ? inConnect : Math.min(inConnect, inTables));
            } else if (inTables != null) {
                unchecked.put(partition, inTables);
            }
        }
        return seek;
    }

    /**
     * Whether a record at {@code offset} is to be handled; false when it lies beyond a rewind the sink asked for
     * (possibly just now, because a table is behind where the consumer started).
     */
    boolean admit(KafkaPartition partition, long offset) {
        if (rewinds.containsKey(partition)) {
            return false;
        }
        Long inTables = unchecked.remove(partition);
        if (inTables != null && inTables < offset) {
            rewinds.put(partition, inTables);
            return false;
        }
        return true;
    }

    void handled(KafkaPartition partition, long offset) {
        handledNext.merge(partition, offset + 1, Math::max);
    }

    /** The rewinds asked for since the last call; the caller seeks there, which ends the batch's dropping. */
    Map<KafkaPartition, Long> takeRewinds() {
        Map<KafkaPartition, Long> taken = Map.copyOf(rewinds);
        rewinds.clear();
        return taken;
    }

    /** Rewinds a partition whose uncommitted rows were dropped (a writer aborted). */
    void rewind(KafkaPartition partition, long offset) {
        if (handledNext.containsKey(partition)) {
            rewinds.merge(partition, offset, Math::min);
            handledNext.put(partition, offset);
        }
    }

    @Nullable
    Long handledNext(KafkaPartition partition) {
        return handledNext.get(partition);
    }

    Map<KafkaPartition, Long> handledNext() {
        return handledNext;
    }

    void release(Collection<KafkaPartition> partitions) {
        for (KafkaPartition partition : partitions) {
            handledNext.remove(partition);
            unchecked.remove(partition);
            rewinds.remove(partition);
        }
    }
}
