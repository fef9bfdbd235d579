/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.format.RowSchema;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.storage.ShardStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Tiers one shard exactly once. The position lives in storage, not in Kafka: a {@link CommitMarker}
 * per shard says which batch was last committed or is being written. Offsets handed back to Connect
 * only ever cover committed batches, so Connect's own offsets can lag but never lead storage.
 *
 * <p>Every method may be called again after an {@link IOException} (the store was unreachable):
 * records already taken are skipped and a finished batch is published where it left off.
 */
final class ShardWriter {
    private final ShardId shard;
    private final TieringSettings settings;
    private final ShardStorage storage;
    private final TieringMetrics metrics;
    private final LongSupplier clock;

    /** Last offset in a committed batch, or -1 when none is known. */
    private long committedEnd = -1;
    /** Next offset this writer accepts; lower ones are re-deliveries and skipped. -1: any. */
    private long nextOffset = -1;
    /** While replaying a batch found in WRITING state: its last offset, so it ends where it did. */
    private long replayEnd = -1;
    /** First offset taken since this writer started, for the commit lag before any commit. */
    private long firstTakenOffset = -1;
    /** The batch taking records. */
    private @Nullable ShardBatch open;
    /** A batch finished locally whose publish has not completed (the store was down). */
    private @Nullable ShardBatch finished;

    private boolean finishedIntentWritten;

    ShardWriter(
            ShardId shard, TieringSettings settings, ShardStorage storage, TieringMetrics metrics, LongSupplier clock) {
        this.shard = shard;
        this.settings = settings;
        this.storage = storage;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Reads the shard's position from storage; returns the offset to consume from, or -1. */
    long recover() throws IOException {
        Optional<byte[]> stored = storage.read(settings.markerPath(shard));
        if (stored.isEmpty()) {
            return -1;
        }
        CommitMarker marker = CommitMarker.fromBytes(stored.get());
        if (marker.state() == CommitMarker.State.COMMITTED) {
            committedEnd = marker.endOffset();
            nextOffset = marker.endOffset() + 1;
        } else {
            committedEnd = marker.startOffset() - 1;
            nextOffset = marker.startOffset();
            replayEnd = marker.endOffset();
        }
        return nextOffset;
    }

    void write(ShardRecord record) throws IOException, BadRecordException {
        if (nextOffset >= 0 && record.offset() < nextOffset) {
            return;
        }
        // First, while nothing has moved: a registry that cannot answer (RegistryUnavailableException)
        // leaves this writer as it was, to take the same record again later.
        RowSchema rows = null;
        BadRecordException unfit = null;
        try {
            rows = settings.rows().forRecord(record);
        } catch (BadRecordException e) {
            unfit = e;
        }
        publishFinished();
        if (open != null && (shouldFinishAfter() || shouldFinishBefore(record))) {
            finishOpen();
        }
        if (open == null) {
            if (replayEnd >= 0 && record.offset() > replayEnd) {
                // The replayed range is gone from Kafka (retention); nothing left to reproduce.
                replayEnd = -1;
            }
            open = new ShardBatch(shard, settings, record, clock.getAsLong());
        }
        if (firstTakenOffset < 0) {
            firstTakenOffset = record.offset();
        }
        nextOffset = record.offset() + 1;
        try {
            if (unfit != null) {
                open.takeBad(record);
                throw unfit;
            }
            open.append(record, rows);
        } catch (BadRecordException e) {
            // A full batch is finished at the next call instead: the caller must see this exception.
            metrics.badRecord();
            throw e;
        }
        if (shouldFinishAfter()) {
            finishOpen();
        }
    }

    /** Wall-clock rotation, and a retry of a publish that failed earlier. */
    void finishIfDue() throws IOException {
        publishFinished();
        if (open != null
                && (shouldFinishAfter()
                        || (replayEnd < 0 && settings.rotation().isStale(open.openedAtMs(), clock.getAsLong())))) {
            finishOpen();
        }
    }

    private boolean shouldFinishBefore(ShardRecord record) {
        if (replayEnd >= 0) {
            return record.offset() > replayEnd;
        }
        return settings.rotation().crossesRecordTimeBoundary(open.firstTimestamp(), record.timestamp());
    }

    private boolean shouldFinishAfter() {
        if (open == null) {
            return false;
        }
        if (replayEnd >= 0) {
            return open.lastOffset() >= replayEnd;
        }
        return settings.rotation().isFull(open.taken(), open.bytes());
    }

    private void finishOpen() throws IOException {
        open.finish();
        finished = open;
        finishedIntentWritten = false;
        open = null;
        publishFinished();
    }

    /** The exactly-once step: intent, files, commit; each idempotent, so it can resume anywhere. */
    private void publishFinished() throws IOException {
        if (finished == null) {
            return;
        }
        if (!finishedIntentWritten) {
            storage.writeAtomically(
                    settings.markerPath(shard),
                    new CommitMarker(CommitMarker.State.WRITING, finished.startOffset(), finished.lastOffset())
                            .toBytes());
            finishedIntentWritten = true;
        }
        for (ShardBatch.PublishableFile file : finished.unpublishedFiles(storage.namesCarryEndOffset())) {
            long size = Files.size(file.local());
            storage.publish(file.local(), file.path());
            finished.markPublished(file);
            metrics.filePublished(size);
        }
        storage.writeAtomically(
                settings.markerPath(shard),
                new CommitMarker(CommitMarker.State.COMMITTED, finished.startOffset(), finished.lastOffset())
                        .toBytes());
        committedEnd = finished.lastOffset();
        if (replayEnd >= 0 && committedEnd >= replayEnd) {
            replayEnd = -1;
        }
        metrics.recordsPublished(finished.records());
        finished.discard();
        finished = null;
    }

    /** The offset Connect may commit: just past the last committed batch, or -1. */
    long committedOffset() {
        return committedEnd < 0 ? -1 : committedEnd + 1;
    }

    /** Records taken but not yet in committed files (the commit lag). */
    long uncommittedRecords() {
        if (nextOffset < 0) {
            return 0;
        }
        long from = committedEnd >= 0 ? committedEnd + 1 : firstTakenOffset;
        return from < 0 ? 0 : Math.max(0, nextOffset - from);
    }

    int openFiles() {
        return open == null ? 0 : open.openFiles();
    }

    /** Drops unfinished work; the next owner of the shard redoes it from the marker in storage. */
    void close() {
        if (open != null) {
            open.discard();
            open = null;
        }
        if (finished != null) {
            finished.discard();
            finished = null;
        }
    }
}
