/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.bench;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.row.MqttColumns;
import io.tributary.iceberg.table.Catalogs;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.jspecify.annotations.Nullable;

/**
 * A reader of the table, as a query engine would be: its own catalog instance polls for a new snapshot every
 * {@code pollMs}; for each it reads the rows that snapshot added and records, per row, how long after its Kafka
 * timestamp (a) the snapshot was committed (its timestamp) and (b) this reader first saw it.
 */
final class VisibilityProbe implements Runnable {
    private final Catalog catalog;
    private final TableIdentifier id;
    private final long pollMs;
    private final List<Long> toCommitMs = new ArrayList<>();
    private final List<Long> toQueryMs = new ArrayList<>();
    private final List<Integer> snapshotRows = new ArrayList<>();
    private volatile boolean stopped;

    VisibilityProbe(IcebergSinkConfig config, TableIdentifier id, long pollMs) {
        this.catalog = Catalogs.load(config.catalogSettings());
        this.id = id;
        this.pollMs = pollMs;
    }

    @Override
    public void run() {
        @Nullable Table table = null;
        @Nullable Long lastSeen = null;
        while (!stopped) {
            LockSupport.parkNanos(pollMs * 1_000_000);
            if (table == null) {
                if (!catalog.tableExists(id)) {
                    continue;
                }
                table = catalog.loadTable(id);
            } else {
                table.refresh();
            }
            long seenAtMs = System.currentTimeMillis();
            Snapshot current = table.currentSnapshot();
            if (current == null || (lastSeen != null && current.snapshotId() == lastSeen)) {
                continue;
            }
            IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(table).select(MqttColumns.KAFKA_TS);
            scan = lastSeen == null
                    ? scan.useSnapshot(current.snapshotId())
                    : scan.appendsBetween(lastSeen, current.snapshotId());
            record(scan, current.timestampMillis(), seenAtMs);
            lastSeen = current.snapshotId();
        }
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void record(IcebergGenerics.ScanBuilder scan, long committedMs, long seenAtMs) {
        int rows = 0;
        try (CloseableIterable<Record> added = scan.build()) {
            for (Record row : added) {
                long kafkaMs = ((OffsetDateTime) row.getField(MqttColumns.KAFKA_TS))
                        .toInstant()
                        .toEpochMilli();
                synchronized (this) {
                    toCommitMs.add(committedMs - kafkaMs);
                    toQueryMs.add(seenAtMs - kafkaMs);
                }
                rows++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            snapshotRows.add(rows);
        }
    }

    void stop() {
        stopped = true;
    }

    synchronized int rowsSeen() {
        return toQueryMs.size();
    }

    synchronized List<Long> toCommitMs() {
        return List.copyOf(toCommitMs);
    }

    synchronized List<Long> toQueryMs() {
        return List.copyOf(toQueryMs);
    }

    synchronized List<Integer> snapshotRows() {
        return List.copyOf(snapshotRows);
    }
}
