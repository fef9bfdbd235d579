/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.storage.ShardStorage;
import io.tributary.shard.storage.StoreNotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tiers the shards assigned to one task. The caller (a Connect sink task, the benchmark) opens shards,
 * feeds records in offset order per shard, and asks which offsets are safe to commit.
 */
public final class TieringWriter implements Closeable {
    private final TieringSettings settings;
    private final ShardStorage storage;
    private final TieringMetrics metrics;
    private final LongSupplier clock;
    private final Map<ShardId, ShardWriter> shards = new ConcurrentHashMap<>();

    public TieringWriter(TieringSettings settings, ShardStorage storage, TieringMetrics metrics, LongSupplier clock) {
        this.settings = settings;
        this.storage = storage;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Takes over a shard and recovers its position from storage.
     *
     * @return the offset to consume the shard from, or -1 when storage holds nothing for it yet
     */
    public long open(ShardId shard) throws IOException {
        ShardWriter writer = new ShardWriter(shard, settings, storage, metrics, clock);
        long position = writer.recover();
        ShardWriter previous = shards.put(shard, writer);
        if (previous != null) {
            previous.close();
        }
        return position;
    }

    /**
     * Adds a record; finishes and publishes files when a rotation limit is reached.
     *
     * @throws BadRecordException the record cannot be written in the chosen format; it is skipped
     * @throws IOException storage is unreachable; call again with the same records later
     * @throws io.tributary.registry.RegistryUnavailableException the schema registry cannot be asked for
     *     the record's schema id now; nothing changed, call again with the same records later
     */
    public void write(ShardRecord record) throws IOException, BadRecordException {
        ShardId shard = new ShardId(record.kafkaTopic(), record.kafkaPartition());
        ShardWriter writer = shards.get(shard);
        if (writer == null) {
            throw new IllegalStateException("shard " + shard + " was not opened");
        }
        writer.write(record);
    }

    /** Finishes files that are due by the wall clock and retries publishes that failed. */
    public void finishDueFiles() throws IOException {
        IOException failure = null;
        for (ShardWriter writer : shards.values()) {
            try {
                writer.finishIfDue();
            } catch (IOException e) {
                // A missing store outranks a passing outage: the caller must stop, not retry.
                if (!(failure instanceof StoreNotFoundException)) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Per shard, the offset up to which everything is in committed files. */
    public Map<ShardId, Long> committedOffsets() {
        Map<ShardId, Long> offsets = new LinkedHashMap<>();
        shards.forEach((shard, writer) -> {
            long offset = writer.committedOffset();
            if (offset >= 0) {
                offsets.put(shard, offset);
            }
        });
        return offsets;
    }

    /** Gives a shard up (rebalance); unfinished files are dropped and redone by the next owner. */
    public void close(ShardId shard) {
        ShardWriter writer = shards.remove(shard);
        if (writer != null) {
            writer.close();
        }
    }

    public int openFiles() {
        return shards.values().stream().mapToInt(ShardWriter::openFiles).sum();
    }

    /** Records taken from Kafka but not yet in committed files, over all shards. */
    public long commitLag() {
        return shards.values().stream()
                .mapToLong(ShardWriter::uncommittedRecords)
                .sum();
    }

    public TieringMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws IOException {
        shards.values().forEach(ShardWriter::close);
        shards.clear();
        storage.close();
    }
}
