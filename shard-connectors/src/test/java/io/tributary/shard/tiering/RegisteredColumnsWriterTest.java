/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.RegistryUnavailableException;
import io.tributary.registry.SchemaLookupException;
import io.tributary.registry.SchemaRegistry;
import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.registry.RowSchemas;
import io.tributary.shard.testing.MemoryShardStorage;
import io.tributary.shard.testing.RegistryPayloads;
import io.tributary.shard.testing.ShardRecords;
import io.tributary.shard.testing.TieredFileReader;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer with registered columns (registry faked by a map; the real one is in RegistryColumnsIT): one file per
 * schema id in a batch, named deterministically; a registry outage changes nothing and the same records are taken
 * again; a record whose id has no columns is a bad record inside the committed range.
 */
class RegisteredColumnsWriterTest {
    private static final ShardId SHARD = new ShardId("mqtt.messages", 0);
    private static final String READING_V1 = """
            {"type": "record", "name": "Reading", "fields": [{"name": "temp", "type": "double"}]}""";
    private static final String READING_V2 = """
            {"type": "record", "name": "Reading", "fields": [
              {"name": "temp", "type": "double"}, {"name": "unit", "type": ["null", "string"], "default": null}]}""";

    @TempDir
    Path buffer;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private boolean registryDown;

    private final SchemaRegistry registry = id -> {
        if (registryDown) {
            throw new RegistryUnavailableException("registry down (test)");
        }
        return switch (id) {
            case 1 -> new RegisteredSchema(1, RegisteredSchema.Format.AVRO, READING_V1);
            case 2 -> new RegisteredSchema(2, RegisteredSchema.Format.AVRO, READING_V2);
            default -> throw new SchemaLookupException("schema id " + id + " is not in the registry");
        };
    };

    private TieringWriter writer(MemoryShardStorage storage) {
        TieringSettings plain = new TieringConfig(Map.of(
                        TieringConfig.PATH_CONFIG, "",
                        TieringConfig.FLUSH_SIZE_CONFIG, "10",
                        TieringConfig.FORMAT_CONFIG, "avro",
                        TieringConfig.BUFFER_DIR_CONFIG, buffer.toString()))
                .settings("registry-test");
        TieringSettings registered = new TieringSettings(
                plain.topicsDir(),
                plain.stateName(),
                plain.format(),
                plain.compression(),
                new RowSchemas(plain.rows().plainLayout(), registry, plain.format(), ""),
                plain.pathTemplate(),
                plain.rotation(),
                plain.bufferDir());
        return new TieringWriter(registered, storage, new TieringMetrics(), clock::get);
    }

    /** Offsets 0-3 version 1, 4 plain JSON, 5-9 version 2: one batch of ten. */
    private static List<ShardRecord> kafkaLog() {
        List<ShardRecord> log = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] payload = i < 4
                    ? RegistryPayloads.avro(1, READING_V1, Map.of("temp", 20.0 + i))
                    : RegistryPayloads.avro(2, READING_V2, Map.of("temp", 20.0 + i, "unit", "C"));
            log.add(
                    i == 4
                            ? ShardRecords.publish(
                                    SHARD.topic(), 0, i, 1_700_000_000_000L, "site/dev", "{\"temp\": 24}")
                            : ShardRecords.publish(SHARD.topic(), 0, i, 1_700_000_000_000L, "site/dev", payload));
        }
        return log;
    }

    @Test
    void aBatchHasOneFilePerSchemaIdAndTheRegistryBeingDownChangesNothing() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        TieringWriter writer = writer(storage);
        writer.open(SHARD);
        List<ShardRecord> log = kafkaLog();
        for (ShardRecord record : log.subList(0, 5)) {
            writer.write(record);
        }
        registryDown = true;
        assertThrows(RegistryUnavailableException.class, () -> writer.write(log.get(5)));
        assertEquals(5, writer.commitLag(), "offset 5 was not taken");

        registryDown = false;
        for (ShardRecord record : log) { // Connect redelivers the whole put() batch
            writer.write(record);
        }

        assertEquals(Map.of(SHARD, 10L), writer.committedOffsets());
        Map<String, byte[]> files = storage.dataFiles();
        assertEquals(
                List.of(
                        "topics/mqtt.messages+0+00000000000000000000.avro",
                        "topics/mqtt.messages+0+00000000000000000000.schema-1.avro",
                        "topics/mqtt.messages+0+00000000000000000000.schema-2.avro"),
                List.copyOf(files.keySet()));
        assertEquals(List.of(4L), offsets(files, "topics/mqtt.messages+0+00000000000000000000.avro"));
        assertEquals(
                List.of(0L, 1L, 2L, 3L), offsets(files, "topics/mqtt.messages+0+00000000000000000000.schema-1.avro"));
        assertEquals(
                List.of(5L, 6L, 7L, 8L, 9L),
                offsets(files, "topics/mqtt.messages+0+00000000000000000000.schema-2.avro"));
    }

    @Test
    void aRecordWhoseSchemaIdIsUnknownIsABadRecordInsideTheCommittedRange() throws Exception {
        MemoryShardStorage storage = new MemoryShardStorage(false);
        TieringWriter writer = writer(storage);
        writer.open(SHARD);
        List<ShardRecord> log = new ArrayList<>(kafkaLog());
        log.set(
                2,
                ShardRecords.publish(
                        SHARD.topic(),
                        0,
                        2,
                        1_700_000_000_000L,
                        "site/dev",
                        RegistryPayloads.avro(42, READING_V1, Map.of("temp", 1.0))));
        for (ShardRecord record : log) {
            if (record.offset() == 2) {
                BadRecordException bad = assertThrows(BadRecordException.class, () -> writer.write(record));
                assertTrue(bad.getMessage().contains("schema id 42 is not in the registry"), bad.getMessage());
            } else {
                writer.write(record);
            }
        }

        assertEquals(Map.of(SHARD, 10L), writer.committedOffsets());
        assertEquals(1, writer.metrics().badRecords());
        assertEquals(9, writer.metrics().recordsWritten());
    }

    private static List<Long> offsets(Map<String, byte[]> files, String name) throws IOException {
        return TieredFileReader.read(files.get(name), name).stream()
                .map(Row::offset)
                .toList();
    }
}
