/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.jspecify.annotations.Nullable;

/**
 * The Kafka offsets a table holds for one connector: for each partition, the next offset to read,
 * taken from the newest snapshot of the table's current history that names the partition.
 *
 * <p>Only the current branch's ancestry counts: snapshots rolled back by an operator no longer
 * count, so their records are read again. A partition absent here has nothing in the table (or its
 * last snapshot has expired); the task then starts from Connect's own committed offset, which is
 * never ahead of the table because the task only reports offsets that the table holds.
 */
public final class CommittedOffsets {
    private CommittedOffsets() {}

    /** Next offset per partition over the whole history of the table. */
    public static Map<KafkaPartition, Long> read(Table table, String connectorName) {
        return read(table, connectorName, null);
    }

    /**
     * Next offset for each of {@code partitions} that the table knows; stops walking the history as
     * soon as all of them are found.
     */
    public static Map<KafkaPartition, Long> read(
            Table table, String connectorName, @Nullable Collection<KafkaPartition> partitions) {
        String key = OffsetsSummary.offsetsKey(connectorName);
        Set<KafkaPartition> wanted = partitions == null ? null : new HashSet<>(partitions);
        Map<KafkaPartition, Long> found = new HashMap<>();
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            String json = snapshot.summary().get(key);
            if (json == null) {
                continue;
            }
            // Newest first: a partition already found keeps the newer offset.
            OffsetsSummary.decode(json).forEach((partition, offset) -> {
                if (wanted == null || wanted.contains(partition)) {
                    found.putIfAbsent(partition, offset);
                }
            });
            if (wanted != null && found.keySet().containsAll(wanted)) {
                break;
            }
        }
        return found;
    }
}
