/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.testing.MemoryShardStorage;
import io.tributary.shard.testing.ShardRecords;
import io.tributary.shard.testing.TieredFileReader;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exactly-once protocol cut at every step: a "crash" drops the writer with whatever it held, a
 * new writer recovers from storage alone and Kafka redelivers from the offset it asks for.
 */
class TieringWriterExactlyOnceTest {
    private static final ShardId SHARD = new ShardId("mqtt.messages", 0);
    private static final int RECORDS = 100;

    @TempDir
    Path buffer;

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private TieringWriter writer(MemoryShardStorage storage, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(Map.of(
                TieringConfig.PATH_CONFIG, "site={1}",
                TieringConfig.FLUSH_SIZE_CONFIG, "30",
                TieringConfig.BUFFER_DIR_CONFIG, buffer.toString(),
                TieringConfig.FORMAT_CONFIG, "jsonl"));
        config.putAll(overrides);
        return new TieringWriter(
                new TieringConfig(config).settings("test-connector"), storage, new TieringMetrics(), clock::get);
    }

    private static List<ShardRecord> kafkaLog() {
        List<ShardRecord> log = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            log.add(ShardRecords.publish(
                    SHARD.topic(),
                    SHARD.partition(),
                    i,
                    1_700_000_000_000L + i * 1000L,
                    "s" + (i % 3) + "/device",
                    "m" + i));
        }
        return log;
    }

    /** Every record exactly once, and within each file in offset order. */
    private static void assertExactlyOnce(MemoryShardStorage storage) throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : storage.dataFiles().entrySet()) {
            List<Long> inFile = TieredFileReader.read(file.getValue(), file.getKey()).stream()
                    .map(Row::offset)
                    .toList();
            assertEquals(inFile.stream().sorted().toList(), inFile, "order in " + file.getKey());
            offsets.addAll(inFile);
        }
        assertEquals(
                RECORDS,
                offsets.size(),
                "records in storage: " + storage.dataFiles().keySet());
        assertEquals(RECORDS, offsets.stream().distinct().count(), "no duplicates");
    }

    @ParameterizedTest(name = "store fails after {0} writes, task crashes, a new task recovers")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17, 21})
    void crashAtAnyStepOfThePublishLeavesEveryRecordExactlyOnce(int failAfter) throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        List<ShardRecord> log = kafkaLog();
        storage.failAfter(failAfter);
        TieringWriter crashed = writer(storage, Map.of());
        crashed.open(SHARD);
        try {
            for (ShardRecord record : log) {
                crashed.write(record);
            }
        } catch (IOException expected) {
            // The task dies here, with a batch half published or not at all.
        }
        storage.failAfter(-1);

        TieringWriter recovered = writer(storage, Map.of());
        long position = Math.max(0, recovered.open(SHARD));
        for (ShardRecord record : log.subList((int) position, RECORDS)) {
            recovered.write(record);
        }
        clock.addAndGet(120_000);
        recovered.finishDueFiles();

        assertExactlyOnce(storage);
        assertEquals(Map.of(SHARD, (long) RECORDS), recovered.committedOffsets());
    }

    @Test
    void storeBrieflyDownIsRetriedWithTheSameRecordsWithoutLossOrDuplicates() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(true);
        List<ShardRecord> log = kafkaLog();
        TieringWriter writer = writer(storage, Map.of());
        writer.open(SHARD);
        storage.failAfter(4);
        int failures = 0;
        // Connect redelivers the whole put() batch after a RetriableException; so do we.
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                for (ShardRecord record : log) {
                    writer.write(record);
                }
                break;
            } catch (IOException storeDown) {
                failures++;
                storage.failAfter(attempt == 1 ? -1 : 0);
            }
        }
        clock.addAndGet(120_000);
        writer.finishDueFiles();

        assertTrue(failures >= 2, "the store was down for several attempts");
        assertExactlyOnce(storage);
        assertTrue(
                storage.dataFiles().keySet().stream()
                        .allMatch(name ->
                                name.matches("topics/site=s[0-2]/mqtt\\.messages\\+0\\+\\d{20}\\+\\d{20}\\.jsonl")),
                storage.dataFiles().keySet().toString());
    }

    @Test
    void offsetsAreCommittedOnlyForFinishedFiles() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        TieringWriter writer = writer(storage, Map.of());
        writer.open(SHARD);
        List<ShardRecord> log = kafkaLog();
        for (ShardRecord record : log.subList(0, 45)) {
            writer.write(record);
        }

        assertEquals(Map.of(SHARD, 30L), writer.committedOffsets());
        assertEquals(15, writer.commitLag());
        assertEquals(3, writer.openFiles());
        assertEquals(30, writer.metrics().recordsWritten());
    }

    @Test
    void byteLimitFinishesTheBatchBeforeTheRecordCountDoes() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        // Each record counts about 32 bytes of overhead plus topic and payload: ~50 bytes.
        TieringWriter writer = writer(
                storage, Map.of(TieringConfig.ROTATE_BYTES_CONFIG, "500", TieringConfig.FLUSH_SIZE_CONFIG, "1000"));
        writer.open(SHARD);
        for (ShardRecord record : kafkaLog().subList(0, 25)) {
            writer.write(record);
        }

        long committed = writer.committedOffsets().get(SHARD);
        assertTrue(committed >= 9 && committed <= 20, "finished by bytes at " + committed);
    }

    @Test
    void quietShardIsClosedByTheWallClock() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        TieringWriter writer = writer(storage, Map.of(TieringConfig.ROTATE_SCHEDULE_CONFIG, "60000"));
        writer.open(SHARD);
        for (ShardRecord record : kafkaLog().subList(0, 5)) {
            writer.write(record);
        }
        clock.addAndGet(59_999);
        writer.finishDueFiles();
        assertEquals(Map.of(), writer.committedOffsets());

        clock.addAndGet(1);
        writer.finishDueFiles();
        assertEquals(Map.of(SHARD, 5L), writer.committedOffsets());
    }

    @Test
    void recordTimeRotationNeverLetsAFileSpanTwoIntervals() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        TieringWriter writer =
                writer(storage, Map.of(TieringConfig.ROTATE_INTERVAL_CONFIG, "10000", TieringConfig.PATH_CONFIG, ""));
        writer.open(SHARD);
        // One record per second starting at a multiple of 10 s: files of 10 records each.
        for (ShardRecord record : kafkaLog().subList(0, 25)) {
            writer.write(record);
        }

        assertEquals(Map.of(SHARD, 20L), writer.committedOffsets());
        assertEquals(2, storage.dataFiles().size());
    }

    @Test
    void badRecordIsSkippedButStaysInsideTheCommittedRange() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        TieringWriter writer =
                writer(storage, Map.of(TieringConfig.PAYLOAD_CONFIG, "string", TieringConfig.FLUSH_SIZE_CONFIG, "3"));
        writer.open(SHARD);
        writer.write(ShardRecords.publish(SHARD.topic(), 0, 0, 1, "a", "ok"));
        ShardRecord binary = io.tributary.shard.record.ShardRecordParser.parse(
                SHARD.topic(), 0, 1, 1, new byte[] {'a'}, new byte[] {(byte) 0xff}, List.of());
        assertThrows(BadRecordException.class, () -> writer.write(binary));
        writer.write(ShardRecords.publish(SHARD.topic(), 0, 2, 1, "a", "ok"));

        assertEquals(Map.of(SHARD, 3L), writer.committedOffsets());
        assertEquals(1, writer.metrics().badRecords());
    }
}
