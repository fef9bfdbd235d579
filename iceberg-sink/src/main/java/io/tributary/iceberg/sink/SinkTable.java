/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.row.RowConverter;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.iceberg.write.TableWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * One table a sink writes: its writer, its row converter (a converter caches the layout of the last schema it
 * saw, so each table has its own), and which Kafka partitions have rows in it that are not committed yet.
 */
final class SinkTable {
    final TableIdentifier id;
    final TableWriter writer;
    final RowConverter converter;
    /** Per partition, the first offset written to this table and not yet committed. */
    final Map<KafkaPartition, Long> firstPending = new HashMap<>();

    /** Timestamp of the oldest record not yet committed, for the commit lag; MAX_VALUE when none. */
    long oldestPendingTimestampMs = Long.MAX_VALUE;

    SinkTable(TableIdentifier id, TableWriter writer, RowConverter converter) {
        this.id = id;
        this.writer = writer;
        this.converter = converter;
    }

    Table table() {
        return writer.table();
    }

    void written(KafkaPartition partition, long offset, long timestampMs) {
        firstPending.putIfAbsent(partition, offset);
        oldestPendingTimestampMs = Math.min(oldestPendingTimestampMs, timestampMs);
    }

    boolean hasPendingRows() {
        return writer.uncommittedRecords() > 0;
    }

    void committed() {
        firstPending.clear();
        oldestPendingTimestampMs = Long.MAX_VALUE;
    }
}
