/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.shard.record.RecordHeader;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.record.ShardRecordParser;
import io.tributary.shard.testing.ShardRecords;
import io.tributary.shard.testing.TieredFileReader;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FileFormatRoundTripTest {
    @TempDir
    Path dir;

    static Stream<Arguments> formatsAndCompressions() {
        List<Arguments> cases = new ArrayList<>();
        for (FileFormat format : FileFormat.values()) {
            for (String compression : format.compressions()) {
                for (PayloadEncoding encoding : PayloadEncoding.values()) {
                    cases.add(Arguments.of(format, compression, encoding));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("formatsAndCompressions")
    void formatsOwnReaderReadsBackEveryRecord(FileFormat format, String compression, PayloadEncoding encoding)
            throws Exception {
        List<ShardRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(ShardRecords.publish(
                    "mqtt.messages",
                    2,
                    100 + i,
                    1_700_000_000_000L + i,
                    "site/" + (i % 3) + "/temp",
                    "{\"t\":" + i + ",\"unit\":\"°C\"}"));
        }
        records.add(ShardRecordParser.parse(
                "mqtt.messages",
                2,
                150,
                1_700_000_000_999L,
                "raw/bytes".getBytes(StandardCharsets.UTF_8),
                "binary-ish".getBytes(StandardCharsets.UTF_8),
                List.of()));
        Path file = dir.resolve("f." + format.extension(compression));

        try (RecordFileWriter writer = format.open(file, new MqttRecordSchema(encoding), compression)) {
            for (ShardRecord record : records) {
                writer.write(record);
            }
        }

        List<Row> rows = TieredFileReader.read(file);
        assertEquals(records.size(), rows.size());
        for (int i = 0; i < records.size(); i++) {
            ShardRecord expected = records.get(i);
            Row row = rows.get(i);
            assertEquals(expected.offset(), row.offset());
            assertEquals(expected.mqttTopic(), row.mqttTopic());
            assertEquals(new String(expected.payload(), StandardCharsets.UTF_8), row.payload());
            assertEquals(expected.client(), row.client());
            assertEquals(expected.qos(), row.qos());
            assertEquals("mqtt.messages", row.kafkaTopic());
        }
    }

    @Test
    void payloadDeclaredUtf8ThatIsNotIsABadRecordAndTheFileStaysReadable() throws Exception {
        Path file = dir.resolve("f.parquet");
        ShardRecord bad = ShardRecordParser.parse(
                "t",
                0,
                1,
                5,
                "a".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xc3, (byte) 0x28},
                List.of(new RecordHeader("mqtt.payload.format", "1".getBytes(StandardCharsets.UTF_8))));

        try (RecordFileWriter writer =
                FileFormat.PARQUET.open(file, new MqttRecordSchema(PayloadEncoding.AUTO), "snappy")) {
            writer.write(ShardRecords.publish("t", 0, 0, 5, "a", "fine"));
            BadRecordException error = assertThrows(BadRecordException.class, () -> writer.write(bad));
            assertEquals("payload of record t-0@1 is not valid UTF-8", error.getMessage());
            writer.write(ShardRecords.publish("t", 0, 2, 5, "a", "also fine"));
        }

        assertEquals(
                List.of(0L, 2L),
                TieredFileReader.read(file).stream().map(Row::offset).toList());
    }
}
