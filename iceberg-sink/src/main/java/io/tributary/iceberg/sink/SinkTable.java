/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.row.Conversion;
import io.tributary.iceberg.row.RowConverter;
import io.tributary.iceberg.row.SchemaPlan;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.iceberg.write.TableWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table a sink writes: its writer, its row converter (a converter caches the layout of the last schema it
 * saw, so each table has its own), and which Kafka partitions have rows in it that are not committed yet.
 */
final class SinkTable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkTable.class);
    /** Schema changes that lose to another writer's are refreshed and tried again this often. */
    private static final int SCHEMA_ATTEMPTS = 5;

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

    /**
     * Converts a record against the table's schema, applying schema changes (and losing races for them to other
     * tasks or engines: the table is refreshed and the record converted again) until it fits or is rejected.
     */
    Conversion convert(SinkInput input) {
        Table iceberg = table();
        for (int attempt = 1; ; attempt++) {
            Conversion conversion = converter.convert(input, iceberg.schema());
            if (!(conversion instanceof SchemaPlan plan)) {
                return conversion;
            }
            try {
                plan.applyTo(iceberg.updateSchema()).commit();
                LOG.info("Evolved table {}: {}", id, plan);
            } catch (RuntimeException e) {
                // Another writer changed the schema first (a commit conflict, or "column already exists").
                if (attempt >= SCHEMA_ATTEMPTS) {
                    throw new IllegalStateException(
                            "could not evolve table " + id + " with " + plan + ": " + e.getMessage(), e);
                }
                LOG.info("Evolving table {} lost to another writer, refreshing: {}", id, e.toString());
            }
            iceberg.refresh();
        }
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
