/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

/**
 * When a shard's open files are finished. Any limit of 0 or less is off.
 *
 * @param maxRecords records per shard batch
 * @param maxBytes approximate uncompressed bytes per shard batch
 * @param recordTimeIntervalMs files never span a boundary of this interval in record time (e.g. an
 *     hour), so a file holds one hour's records; deterministic on replay
 * @param wallClockIntervalMs a batch open this long by the worker's clock is finished even if the
 *     shard went quiet, bounding how stale storage gets
 */
public record RotationPolicy(long maxRecords, long maxBytes, long recordTimeIntervalMs, long wallClockIntervalMs) {

    boolean crossesRecordTimeBoundary(long firstTimestamp, long timestamp) {
        return recordTimeIntervalMs > 0
                && Math.floorDiv(firstTimestamp, recordTimeIntervalMs)
                        != Math.floorDiv(timestamp, recordTimeIntervalMs);
    }

    boolean isFull(long records, long bytes) {
        return (maxRecords > 0 && records >= maxRecords) || (maxBytes > 0 && bytes >= maxBytes);
    }

    boolean isStale(long openedAtMs, long nowMs) {
        return wallClockIntervalMs > 0 && nowMs - openedAtMs >= wallClockIntervalMs;
    }
}
