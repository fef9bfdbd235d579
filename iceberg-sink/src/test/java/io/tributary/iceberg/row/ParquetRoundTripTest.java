/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.SinkInput;
import io.tributary.record.MqttRecord;
import io.tributary.record.UserProperty;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Files;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The values of a row are the Java types Iceberg's generic Parquet writer expects, and read back equal. */
class ParquetRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void aFullRowSurvivesParquet() throws Exception {
        RowConverter converter = new RowConverter(new RowSettings(
                List.of("site", "device"),
                true,
                RowSettings.PayloadFormat.JSON,
                RowSettings.NonJsonPayload.RAW_ONLY,
                "",
                false));
        byte[] payload =
                "{\"temp\": 21.5, \"gps\": {\"lat\": 1.5}, \"tags\": [\"a\"]}".getBytes(StandardCharsets.UTF_8);
        MqttRecord mqtt = new MqttRecord(
                "s1/d1",
                payload,
                2,
                true,
                "d1",
                true,
                "application/json",
                null,
                "r",
                new byte[] {1, 2},
                List.of(new UserProperty("unit", "C")));
        SinkInput input = new SinkInput("mqtt.messages", 1, 7, RowFixtures.TIMESTAMP, mqtt);
        Table table = RowFixtures.table(converter.initialSchema(input));
        GenericRecord row = RowFixtures.write(converter, table, input);
        Schema schema = table.schema();
        File file = dir.resolve("rows.parquet").toFile();

        try (FileAppender<Record> appender = Parquet.write(Files.localOutput(file))
                .schema(schema)
                .createWriterFunc(GenericParquetWriter::create)
                .build()) {
            appender.add(row);
        }
        List<Record> read = new ArrayList<>();
        try (CloseableIterable<Record> records = Parquet.read(Files.localInput(file))
                .project(schema)
                .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
                .build()) {
            records.forEach(read::add);
        }

        assertThat(read).hasSize(1);
        assertThat(read.get(0)).isEqualTo(row);
    }
}
