/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings written through {@link Utf8StringsWriter} read back as written (ASCII, accents, emoji, empty, long,
 * null, nested, repeated in new instances, two strings of the same cache slot), the column bounds are the strings'
 * minimum and maximum, and the rows handed to the writer keep their {@code String}s.
 */
class Utf8StringsWriterTest {
    private static final KafkaPartition P0 = new KafkaPartition("mqtt.messages", 0);
    private static final Types.StructType DETAIL = Types.StructType.of(optional(10, "label", Types.StringType.get()));
    private static final Schema SCHEMA = new Schema(
            List.of(
                    required(1, "topic", Types.StringType.get()),
                    optional(2, "site", Types.StringType.get()),
                    optional(3, "note", Types.StringType.get()),
                    required(4, "kafka_offset", Types.LongType.get()),
                    optional(5, "payload", Types.BinaryType.get()),
                    optional(6, "detail", DETAIL)),
            Set.of());
    /** "Aa" and "BB" have the same hash code, so the same cache slot. */
    private static final List<String> TOPICS =
            List.of("Aa", "BB", "sensors/site-1/device-7", "", "capteurs/entrepôt/température", "メーター/🌡️");

    @TempDir
    Path dir;

    private JdbcCatalog catalog;

    @BeforeEach
    void openCatalog() {
        catalog = TestTables.catalog(dir);
    }

    @AfterEach
    void closeCatalog() throws Exception {
        catalog.close();
    }

    @Test
    void stringsReadBackAsWrittenAndBoundTheirColumn() {
        Table table = TestTables.create(
                catalog,
                SCHEMA,
                PartitionSpec.builderFor(SCHEMA).identity("site").build());
        // Whole strings as bounds (the default truncates them to 16 characters).
        table.updateProperties().set("write.metadata.metrics.default", "full").commit();
        Map<Long, Record> written = new HashMap<>();
        List<Record> handedOver = new ArrayList<>();
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("test", "task-0"))) {
            for (long offset = 0; offset < 1_000; offset++) {
                Record row = row(table.schema(), offset);
                written.put(offset, row.copy());
                handedOver.add(row);
                writer.write(P0, offset, row);
            }
            writer.commit();
        }

        Map<Long, Record> read = new HashMap<>();
        for (Record row : TestTables.readAll(table)) {
            read.put((Long) row.getField("kafka_offset"), row);
        }
        assertThat(read).hasSameSizeAs(written);
        written.forEach((offset, expected) ->
                assertThat(read.get(offset)).as("row at offset %d", offset).isEqualTo(expected));
        assertThat(handedOver)
                .allSatisfy(row -> assertThat(row.getField("topic")).isInstanceOf(String.class));
        assertBoundsOfTopic(table, written.values());
    }

    private static Record row(Schema schema, long offset) {
        GenericRecord row = GenericRecord.create(schema);
        // A new String each time, as a record's topic is decoded anew from its header.
        row.setField(
                "topic", new String(TOPICS.get((int) (offset % TOPICS.size())).toCharArray()));
        row.setField("site", offset % 5 == 0 ? null : "site-" + (offset % 3));
        row.setField("note", offset % 7 == 0 ? null : ("é long note " + offset + " ").repeat(1 + (int) (offset % 9)));
        row.setField("kafka_offset", offset);
        row.setField("payload", ByteBuffer.wrap(("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8)));
        GenericRecord detail =
                GenericRecord.create(schema.findField("detail").type().asStructType());
        detail.setField("label", "label-" + (offset % 4));
        row.setField("detail", offset % 2 == 0 ? detail : null);
        return row;
    }

    /** Each file's bounds of {@code topic} are the least and greatest topics of the rows of its site. */
    private static void assertBoundsOfTopic(Table table, Collection<Record> written) {
        Map<String, List<String>> topicsBySite = new HashMap<>();
        for (Record row : written) {
            topicsBySite
                    .computeIfAbsent(String.valueOf(row.getField("site")), site -> new ArrayList<>())
                    .add((String) row.getField("topic"));
        }
        int topicId = table.schema().findField("topic").fieldId();
        List<DataFile> files = new ArrayList<>();
        table.currentSnapshot().addedDataFiles(table.io()).forEach(files::add);
        assertThat(files).hasSize(topicsBySite.size());
        for (DataFile file : files) {
            List<String> topics =
                    topicsBySite.get(String.valueOf(file.partition().get(0, String.class)));
            CharSequence lower = Conversions.fromByteBuffer(
                    Types.StringType.get(), file.lowerBounds().get(topicId));
            CharSequence upper = Conversions.fromByteBuffer(
                    Types.StringType.get(), file.upperBounds().get(topicId));
            assertThat(lower.toString()).isEqualTo(Collections.min(topics, Comparators.charSequences()));
            assertThat(upper.toString()).isEqualTo(Collections.max(topics, Comparators.charSequences()));
        }
    }

    @Test
    void theCacheTellsStringsOfOneSlotApart() {
        Utf8StringsWriter writer = (Utf8StringsWriter) Utf8StringsWriter.wrap(new NoRows(), SCHEMA);
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());

        assertThat(writer.utf8("Aa").toString()).isEqualTo("Aa");
        assertThat(writer.utf8("BB").toString()).isEqualTo("BB");
        assertThat(writer.utf8(new String("Aa".toCharArray())).toString()).isEqualTo("Aa");
        String longText = "x".repeat(Utf8StringsWriter.CACHED_MAX_LENGTH + 1);
        assertThat(writer.utf8(longText).toString()).isEqualTo(longText);
        assertThat(writer.utf8("température").getBytes()).startsWith("température".getBytes(StandardCharsets.UTF_8));
        assertThat(writer.utf8("température").getByteLength())
                .isEqualTo("température".getBytes(StandardCharsets.UTF_8).length);
    }

    /** A row writer that writes nothing: the cache test needs none. */
    private static final class NoRows implements org.apache.iceberg.parquet.ParquetValueWriter<Record> {
        @Override
        public void write(int repetitionLevel, Record value) {}

        @Override
        public List<org.apache.iceberg.parquet.TripleWriter<?>> columns() {
            return List.of();
        }

        @Override
        public void setColumnStore(org.apache.parquet.column.ColumnWriteStore columnStore) {}
    }
}
