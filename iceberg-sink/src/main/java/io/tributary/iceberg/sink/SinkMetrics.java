/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an {@link IcebergSink} has done, for the task's metrics. Written by the task's thread, read by
 * whoever reports metrics (JMX), hence the atomics.
 */
public final class SinkMetrics {
    private final AtomicLong recordsCommitted = new AtomicLong();
    private final AtomicLong recordsRejected = new AtomicLong();
    private final AtomicLong recordsSkipped = new AtomicLong();
    private final AtomicLong filesWritten = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong commitFailures = new AtomicLong();
    private final AtomicLong lastCommitDurationMs = new AtomicLong();
    private final AtomicLong lastCommitLagMs = new AtomicLong();
    private final Map<String, Long> lastSnapshotIds = new ConcurrentHashMap<>();

    void committed(String table, long snapshotId, long records, long files, long bytes) {
        recordsCommitted.addAndGet(records);
        filesWritten.addAndGet(files);
        bytesWritten.addAndGet(bytes);
        commits.incrementAndGet();
        lastSnapshotIds.put(table, snapshotId);
    }

    void commitTook(long durationMs, long lagMs) {
        lastCommitDurationMs.set(durationMs);
        lastCommitLagMs.set(lagMs);
    }

    void commitFailed() {
        commitFailures.incrementAndGet();
    }

    void rejected() {
        recordsRejected.incrementAndGet();
    }

    void skipped() {
        recordsSkipped.incrementAndGet();
    }

    /** Records in committed snapshots (in upsert mode: rows inserted, each replacing older rows of its key). */
    public long recordsCommitted() {
        return recordsCommitted.get();
    }

    /** Records handed to the rejection callback. */
    public long recordsRejected() {
        return recordsRejected.get();
    }

    /** Re-delivered records skipped because their table already held them. */
    public long recordsSkipped() {
        return recordsSkipped.get();
    }

    /** Data and delete files committed. */
    public long filesWritten() {
        return filesWritten.get();
    }

    /** Bytes of the files committed. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Snapshots committed, over all tables. */
    public long commits() {
        return commits.get();
    }

    /** Table commits that failed (catalog or store unreachable...); the rows stay pending or are read again. */
    public long commitFailures() {
        return commitFailures.get();
    }

    /** How long the last {@link IcebergSink#commit()} took, all tables together. */
    public long lastCommitDurationMs() {
        return lastCommitDurationMs.get();
    }

    /** At the last commit: from the timestamp of the oldest record it made visible to the end of the commit. */
    public long lastCommitLagMs() {
        return lastCommitLagMs.get();
    }

    /** The last snapshot this sink committed, per table ({@code namespace.table}). */
    public Map<String, Long> lastSnapshotIds() {
        return Map.copyOf(lastSnapshotIds);
    }
}
