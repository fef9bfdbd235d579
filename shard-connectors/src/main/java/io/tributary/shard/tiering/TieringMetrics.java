/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one tiering task. Gauges (files open, commit lag) are computed from the writer's state;
 * the Connect task registers all of them with Connect's metrics, which exposes them over JMX.
 */
public final class TieringMetrics {
    private final LongAdder recordsWritten = new LongAdder();
    private final LongAdder filesWritten = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder badRecords = new LongAdder();

    void recordsPublished(long records) {
        recordsWritten.add(records);
    }

    void filePublished(long bytes) {
        filesWritten.increment();
        bytesWritten.add(bytes);
    }

    void badRecord() {
        badRecords.increment();
    }

    /** Records in files that are published (visible in storage). */
    public long recordsWritten() {
        return recordsWritten.sum();
    }

    public long filesWritten() {
        return filesWritten.sum();
    }

    /** Bytes of published files, after compression. */
    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public long badRecords() {
        return badRecords.sum();
    }
}
