/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.Types;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the rows of one table for one task and commits them exactly once.
 *
 * <p>Rows go to Parquet files as they come ({@link #write}); {@link #commit} closes the files and
 * commits them all in one snapshot whose summary records, per Kafka partition, the offset after the
 * last row (see {@link OffsetsSummary}). The files and the offsets land together or not at all, so
 * on a restart the table itself says where to resume: {@link #open} reads it, and a row at an offset
 * below it is skipped (Connect re-delivers what it had not yet committed on its side).
 *
 * <p>Failures: files written but not committed are not part of the table (orphans at worst). A
 * commit that fails stays pending with its files, and the next {@link #commit} tries it again;
 * {@link #abort} drops it and deletes its files, unless it finds that the commit did land.
 *
 * <p>Not thread safe: one task, one thread. Rows are encoded into Parquet on a writer thread of this writer's own
 * ({@link BackgroundTaskWriter}); {@link #commit} waits for it, so a commit covers exactly the rows written before it.
 */
public final class TableWriter implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TableWriter.class);

    private final Table table;
    private final TableWriterConfig config;
    private final OutputFileFactory files;
    private final SnapshotCommitter committer;
    /** Encodes rows into Parquet beside the caller's thread (see {@link BackgroundTaskWriter}). */
    private final ExecutorService writerThread;

    /** Next offset per partition as the table holds it, for the partitions looked up so far. */
    private final Map<KafkaPartition, Long> committed = new HashMap<>();

    private final Set<KafkaPartition> lookedUp = new HashSet<>();
    /** Next offset after the rows written, committed or not: what re-delivery must not repeat. */
    private final Map<KafkaPartition, Long> writtenNext = new HashMap<>();
    /** First uncommitted offset of a partition the table knows nothing of yet: where to rewind to. */
    private final Map<KafkaPartition, Long> firstUncommitted = new HashMap<>();

    // The open batch: rows written since the last freeze, in closed batches and the open writer.
    private final Map<KafkaPartition, Long> batchNext = new HashMap<>();
    private final List<WriteResult> closedBatches = new ArrayList<>();
    private @Nullable TaskWriter<Record> openWriter;
    private @Nullable Schema openSchema;
    private long batchRecords;

    private @Nullable PendingCommit pending;
    private boolean failed;
    private long skippedRecords;

    public TableWriter(Table table, TableWriterConfig config) {
        this.table = table;
        this.config = config;
        if (config.mode() == WriteMode.UPSERT) {
            requireUpsertable(table);
        }
        String operationId = config.writerId().replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + UUID.randomUUID();
        this.files = OutputFileFactory.builderFor(table, 0, 0)
                .format(TaskWriters.fileFormat(table))
                .operationId(operationId)
                .build();
        this.committer = new SnapshotCommitter(table, config);
        this.writerThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "iceberg-writer-" + config.writerId() + "-" + table.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    private static void requireUpsertable(Table table) {
        if (TableUtil.formatVersion(table) < 2) {
            throw new IllegalStateException("Upsert needs an Iceberg format v2 table (row-level deletes); "
                    + table.name() + " has format v" + TableUtil.formatVersion(table));
        }
        TaskWriters.keySchema(table.schema());
    }

    /**
     * Reads the table's offsets for newly assigned partitions, forgetting what was known of them.
     * Returns the next offset per partition the table holds: the caller seeks its consumer there.
     * Partitions missing from the answer have nothing in the table.
     */
    public Map<KafkaPartition, Long> open(Collection<KafkaPartition> partitions) {
        table.refresh();
        Map<KafkaPartition, Long> found = CommittedOffsets.read(table, config.connectorName(), partitions);
        for (KafkaPartition partition : partitions) {
            requireNoUncommittedRows(partition);
            committed.remove(partition);
            writtenNext.remove(partition);
            lookedUp.add(partition);
        }
        committed.putAll(found);
        return found;
    }

    /** Forgets partitions taken away from this task; commit (or abort) their rows first. */
    public void release(Collection<KafkaPartition> partitions) {
        for (KafkaPartition partition : partitions) {
            requireNoUncommittedRows(partition);
            committed.remove(partition);
            writtenNext.remove(partition);
            lookedUp.remove(partition);
        }
    }

    private void requireNoUncommittedRows(KafkaPartition partition) {
        if (batchNext.containsKey(partition) || (pending != null && pending.nextOffsets.containsKey(partition))) {
            throw new IllegalStateException(
                    "Rows of " + partition + " are not committed yet: commit or abort before reassigning it");
        }
    }

    /**
     * Writes one row read at {@code offset} of {@code partition}, unless a row at that offset is
     * already in the table or in this writer (a re-delivery). Returns whether it was written.
     */
    public boolean write(KafkaPartition partition, long offset, Record row) {
        requireUsable();
        Long next = nextOffset(partition);
        if (next != null && offset < next) {
            skippedRecords++;
            return false;
        }
        try {
            writerFor(row.struct()).write(row);
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("Writing a row of " + table.name() + " failed; abort the writer", e);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        writtenNext.put(partition, offset + 1);
        batchNext.put(partition, offset + 1);
        if (!committed.containsKey(partition)) {
            firstUncommitted.putIfAbsent(partition, offset);
        }
        batchRecords++;
        return true;
    }

    private @Nullable Long nextOffset(KafkaPartition partition) {
        Long written = writtenNext.get(partition);
        if (written != null) {
            return written;
        }
        if (lookedUp.add(partition)) {
            table.refresh();
            committed.putAll(CommittedOffsets.read(table, config.connectorName(), List.of(partition)));
        }
        return committed.get(partition);
    }

    private TaskWriter<Record> writerFor(Types.StructType rowType) throws IOException {
        // Rows of one schema share its struct type: the identity check spares a deep comparison per row.
        if (openWriter != null
                && openSchema != null
                && (openSchema.asStruct() == rowType || openSchema.asStruct().equals(rowType))) {
            return openWriter;
        }
        Schema schema = schemaOf(rowType);
        if (openWriter != null) {
            // The rows changed schema (the table evolved): their files start afresh.
            closedBatches.add(openWriter.complete());
            openWriter = null;
        }
        openWriter = new BackgroundTaskWriter<>(TaskWriters.create(table, schema, config.mode(), files), writerThread);
        openSchema = schema;
        return openWriter;
    }

    private Schema schemaOf(Types.StructType rowType) {
        for (int tries = 0; tries < 2; tries++) {
            if (table.schema().asStruct().equals(rowType)) {
                return table.schema();
            }
            for (Schema schema : table.schemas().values()) {
                if (schema.asStruct().equals(rowType)) {
                    return schema;
                }
            }
            table.refresh();
        }
        throw new IllegalArgumentException(
                "The row's columns are not a schema of table " + table.name() + ": " + rowType);
    }

    /**
     * Commits every row written so far, with their offsets, in one snapshot; a commit left pending by
     * an earlier failure goes first. Returns the last commit made, or empty when there was nothing to
     * commit. On failure it throws and keeps everything, so the caller may call it again or abort.
     */
    public Optional<CommitResult> commit() {
        requireUsable();
        CommitResult last = null;
        if (pending != null) {
            last = commitPending();
        }
        if (batchRecords > 0) {
            freeze();
            last = commitPending();
        }
        return Optional.ofNullable(last);
    }

    private void freeze() {
        if (openWriter != null) {
            try {
                closedBatches.add(openWriter.complete());
            } catch (IOException e) {
                failed = true;
                throw new UncheckedIOException("Closing data files of " + table.name() + " failed; abort", e);
            } catch (RuntimeException e) {
                // Iceberg forgets a file whose close failed (the store went away mid-upload): its rows are
                // gone from this writer, so committing the rest would lose them. Only an abort is safe.
                failed = true;
                throw e;
            }
            openWriter = null;
            openSchema = null;
        }
        table.refresh();
        Snapshot current = table.currentSnapshot();
        pending = new PendingCommit(
                closedBatches, batchNext, batchRecords, current == null ? null : current.snapshotId());
        closedBatches.clear();
        batchNext.clear();
        batchRecords = 0;
    }

    private CommitResult commitPending() {
        CommitResult result = committer.commit(pending);
        committed.putAll(result.nextOffsets());
        firstUncommitted.keySet().removeAll(result.nextOffsets().keySet());
        pending = null;
        LOG.debug(
                "Committed {} rows to {} as snapshot {}: {}",
                result.records(),
                table.name(),
                result.snapshotId(),
                result.nextOffsets());
        return result;
    }

    /**
     * Drops every uncommitted row and deletes their files, unless a pending commit turns out to have
     * landed (then it counts as committed). Returns, for each partition that had uncommitted rows,
     * the offset to rewind the consumer to.
     */
    public Map<KafkaPartition, Long> abort() {
        Set<KafkaPartition> touched = new HashSet<>(firstUncommitted.keySet());
        touched.addAll(batchNext.keySet());
        if (pending != null) {
            touched.addAll(pending.nextOffsets.keySet());
            abortPending(pending);
            pending = null;
        }
        closedBatches.forEach(batch -> deleteFiles(batch.dataFiles(), batch.deleteFiles()));
        closedBatches.clear();
        if (openWriter != null) {
            try {
                openWriter.abort();
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "Could not delete the open data files of {}; they stay as orphans: {}",
                        table.name(),
                        e.toString());
            }
            openWriter = null;
            openSchema = null;
        }
        batchNext.clear();
        batchRecords = 0;
        failed = false;
        Map<KafkaPartition, Long> rewindTo = new HashMap<>();
        for (KafkaPartition partition : touched) {
            writtenNext.remove(partition);
            Long offset = committed.getOrDefault(partition, firstUncommitted.get(partition));
            if (offset != null) {
                rewindTo.put(partition, offset);
            }
        }
        firstUncommitted.clear();
        return rewindTo;
    }

    private void abortPending(PendingCommit commit) {
        if (commit.attempted) {
            Snapshot landed;
            try {
                table.refresh();
                landed = committer.findLanded(commit);
            } catch (RuntimeException e) {
                // The commit may have landed: deleting its files could break the table.
                LOG.warn(
                        "Cannot tell whether commit {} reached {}; its files are kept: {}",
                        commit.commitId,
                        table.name(),
                        e.toString());
                // Read the table's offsets again before the next row of these partitions: if the commit did
                // land, the re-delivered rows are skipped rather than written twice.
                lookedUp.removeAll(commit.nextOffsets.keySet());
                return;
            }
            if (landed != null) {
                committed.putAll(commit.nextOffsets);
                firstUncommitted.keySet().removeAll(commit.nextOffsets.keySet());
                return;
            }
        }
        commit.batches.forEach(batch -> deleteFiles(batch.dataFiles(), batch.deleteFiles()));
    }

    private void deleteFiles(org.apache.iceberg.ContentFile<?>[]... groups) {
        for (org.apache.iceberg.ContentFile<?>[] group : groups) {
            for (org.apache.iceberg.ContentFile<?> file : group) {
                try {
                    table.io().deleteFile(file.location());
                } catch (RuntimeException e) {
                    // One line per file: with the store down, a stack trace each would bury the log.
                    LOG.warn(
                            "Could not delete uncommitted file {}; it stays as an orphan: {}",
                            file.location(),
                            e.toString());
                }
            }
        }
    }

    /** Whether a write or the closing of files failed, so that only {@link #abort} makes the writer usable. */
    public boolean needsAbort() {
        return failed;
    }

    private void requireUsable() {
        if (failed) {
            throw new IllegalStateException("A write to " + table.name() + " failed: abort the writer first");
        }
    }

    /** Next offset per partition that the table holds, for the partitions this writer knows. */
    public Map<KafkaPartition, Long> committedOffsets() {
        return Map.copyOf(committed);
    }

    /** Rows written and not yet committed (including a pending commit). */
    public long uncommittedRecords() {
        return batchRecords + (pending == null ? 0 : pending.records);
    }

    /** Rows skipped because the table (or this writer) already had their offset. */
    public long skippedRecords() {
        return skippedRecords;
    }

    public Table table() {
        return table;
    }

    /** Drops what is not committed (see {@link #abort}) and ends the writer thread. */
    @Override
    public void close() {
        if (uncommittedRecords() > 0 || openWriter != null) {
            LOG.info(
                    "Closing the writer of {} with {} uncommitted rows: they are dropped",
                    table.name(),
                    uncommittedRecords());
        }
        try {
            abort();
        } finally {
            writerThread.shutdown();
        }
    }
}
