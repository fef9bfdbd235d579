/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.apache.iceberg.util.SnapshotUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a {@link PendingCommit} as one snapshot (one atomic transaction in upsert mode when the
 * rows had several schemas) whose summary holds the Kafka offsets, and never twice: before trying
 * again it looks for the commit id in the table, since an attempt whose answer was lost may have
 * landed.
 */
final class SnapshotCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCommitter.class);

    private final Table table;
    private final TableWriterConfig config;

    SnapshotCommitter(Table table, TableWriterConfig config) {
        this.table = table;
        this.config = config;
    }

    /**
     * Commits, trying up to {@link TableWriterConfig#commitAttempts()} times on conflicts and unknown
     * outcomes (each attempt includes Iceberg's own retries). Throws when it gives up; the commit
     * stays pending.
     */
    CommitResult commit(PendingCommit pending) {
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= config.commitAttempts(); attempt++) {
            try {
                if (pending.attempted) {
                    table.refresh();
                    Snapshot landed = findLanded(pending);
                    if (landed != null) {
                        LOG.info(
                                "Commit {} to {} had landed as snapshot {}",
                                pending.commitId,
                                table.name(),
                                landed.snapshotId());
                        return result(landed, pending);
                    }
                }
                pending.attempted = true;
                apply(pending);
                Snapshot committed = findLanded(pending);
                if (committed == null) {
                    throw new IllegalStateException(
                            "Commit " + pending.commitId + " is not in " + table.name() + " right after it succeeded");
                }
                return result(committed, pending);
            } catch (CommitFailedException | CommitStateUnknownException | UncheckedSQLException e) {
                // A conflict that Iceberg's own retries did not resolve, a lost answer, or the catalog's
                // database refusing for now (SQLite reports concurrent writers as SQLITE_BUSY): all safe
                // to try again, because the next attempt first looks for this commit in the table.
                lastFailure = e;
                LOG.warn(
                        "Commit {} to {} failed (attempt {} of {}): {}",
                        pending.commitId,
                        table.name(),
                        attempt,
                        config.commitAttempts(),
                        e.toString());
                if (attempt < config.commitAttempts()) {
                    backOff(attempt);
                }
            }
        }
        throw lastFailure;
    }

    /** Jittered, growing pause so that writers which collided do not collide again in step. */
    private static void backOff(int attempt) {
        long millis = ThreadLocalRandom.current().nextLong(50L << Math.min(attempt, 6));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry a commit", e);
        }
    }

    /** The snapshot of this commit in the table's current history, or null. */
    @Nullable
    Snapshot findLanded(PendingCommit pending) {
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            if (pending.commitId.equals(snapshot.summary().get(OffsetsSummary.COMMIT_ID_KEY))) {
                return snapshot;
            }
            if (pending.baseSnapshotId != null && snapshot.snapshotId() == pending.baseSnapshotId) {
                return null;
            }
        }
        return null;
    }

    private void apply(PendingCommit pending) {
        if (config.mode() == WriteMode.APPEND) {
            AppendFiles append = table.newAppend();
            pending.batches.forEach(batch -> List.of(batch.dataFiles()).forEach(append::appendFile));
            summarize(append, pending).commit();
        } else if (pending.batches.size() == 1) {
            summarize(rowDelta(table.newRowDelta(), pending.batches.get(0)), pending)
                    .commit();
        } else {
            // Rows of several schemas: one delta per batch, so that the equality deletes of a later
            // batch (a higher sequence number) remove the rows an earlier batch inserted.
            Transaction transaction = table.newTransaction();
            for (int i = 0; i < pending.batches.size(); i++) {
                RowDelta delta = rowDelta(transaction.newRowDelta(), pending.batches.get(i));
                if (i == pending.batches.size() - 1) {
                    summarize(delta, pending);
                }
                delta.commit();
            }
            transaction.commitTransaction();
        }
    }

    private static RowDelta rowDelta(RowDelta delta, WriteResult batch) {
        for (DataFile file : batch.dataFiles()) {
            delta.addRows(file);
        }
        for (DeleteFile file : batch.deleteFiles()) {
            delta.addDeletes(file);
        }
        return delta;
    }

    private <T extends SnapshotUpdate<T>> T summarize(T update, PendingCommit pending) {
        return update.set(OffsetsSummary.offsetsKey(config.connectorName()), OffsetsSummary.encode(pending.nextOffsets))
                .set(OffsetsSummary.COMMIT_ID_KEY, pending.commitId)
                .set(OffsetsSummary.WRITER_KEY, config.writerId());
    }

    private static CommitResult result(Snapshot snapshot, PendingCommit pending) {
        int dataFiles = 0;
        int deleteFiles = 0;
        for (WriteResult batch : pending.batches) {
            dataFiles += batch.dataFiles().length;
            deleteFiles += batch.deleteFiles().length;
        }
        long bytes = pending.files().mapToLong(ContentFile::fileSizeInBytes).sum();
        return new CommitResult(
                snapshot.snapshotId(), pending.nextOffsets, pending.records, dataFiles, deleteFiles, bytes);
    }
}
