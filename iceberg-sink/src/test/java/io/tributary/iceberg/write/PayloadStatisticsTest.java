/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.table.TableProvisioner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables the sink creates keep no statistics for the raw payload column (Parquet and Iceberg metrics), the other
 * columns keep theirs, the payloads are written intact, and a table with metrics modes set is still written.
 */
class PayloadStatisticsTest {
    private static final KafkaPartition P0 = new KafkaPartition("mqtt.messages", 0);
    private static final Schema SCHEMA = withPayload();
    private static final int PAYLOAD_ID = 7;
    private static final int SITE_ID = 2;
    private static final int DEVICE_ID = 1;

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

    private static Schema withPayload() {
        List<Types.NestedField> columns = new ArrayList<>(TestTables.SCHEMA.columns());
        columns.add(optional(PAYLOAD_ID, "payload", Types.BinaryType.get()));
        return new Schema(columns);
    }

    @Test
    void thePayloadColumnHasNoStatisticsTheOthersDoAndThePayloadsAreIntact() throws IOException {
        PartitionSpec spec =
                PartitionSpec.builderFor(SCHEMA).day("ts").identity("site").build();
        Table table = TableProvisioner.ensure(catalog, TestTables.MESSAGES, SCHEMA, spec, List.of());
        Map<Long, ByteBuffer> written = write(table, 0, 200);

        for (DataFile file : table.currentSnapshot().addedDataFiles(table.io())) {
            assertThat(file.valueCounts()).doesNotContainKey(PAYLOAD_ID).containsKey(SITE_ID);
            assertThat(file.nullValueCounts()).doesNotContainKey(PAYLOAD_ID).containsKey(SITE_ID);
            assertThat(file.lowerBounds()).doesNotContainKey(PAYLOAD_ID).containsKey(SITE_ID);
            assertThat(file.upperBounds()).doesNotContainKey(PAYLOAD_ID).containsKey(SITE_ID);
            assertThat(parquetStatistics(file)).doesNotContain("payload").contains("site", "kafka_offset");
        }
        Map<Long, ByteBuffer> read = new HashMap<>();
        for (Record row : TestTables.readAll(table)) {
            read.put((Long) row.getField("kafka_offset"), (ByteBuffer) row.getField("payload"));
        }
        assertThat(read).isEqualTo(written);
    }

    @Test
    void aTableWithMetricsModesSetIsStillWritten() {
        Table table =
                TableProvisioner.ensure(catalog, TestTables.MESSAGES, SCHEMA, PartitionSpec.unpartitioned(), List.of());
        table.updateProperties()
                .set("write.metadata.metrics.column.device", "none")
                .set("write.metadata.metrics.default", "truncate(8)")
                .commit();

        write(table, 0, 10);

        DataFile file =
                table.currentSnapshot().addedDataFiles(table.io()).iterator().next();
        assertThat(file.recordCount()).isEqualTo(10);
        assertThat(file.lowerBounds()).doesNotContainKey(DEVICE_ID).containsKey(SITE_ID);
    }

    private static Map<Long, ByteBuffer> write(Table table, long from, long to) {
        Map<Long, ByteBuffer> payloads = new HashMap<>();
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("bench", "task-0"))) {
            for (long offset = from; offset < to; offset++) {
                Record row = TestTables.row(table, P0, offset);
                ByteBuffer payload = ByteBuffer.wrap(("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
                row.setField("payload", payload);
                payloads.put(offset, payload.duplicate());
                writer.write(P0, offset, row);
            }
            writer.commit();
        }
        return payloads;
    }

    /** The columns of the file's row groups that carry Parquet statistics. */
    private static List<String> parquetStatistics(DataFile file) throws IOException {
        List<String> columns = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.location()), new Configuration()))) {
            for (BlockMetaData block : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData column : block.getColumns()) {
                    if (column.getStatistics() != null && column.getStatistics().hasNonNullValue()) {
                        columns.add(column.getPath().toDotString());
                    }
                }
            }
        }
        return columns;
    }
}
