/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
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

class TableProvisionerTest {
    private static final TableIdentifier ID = TableIdentifier.of("iot", "messages");
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "site", Types.StringType.get()),
            Types.NestedField.required(2, "kafka_offset", Types.LongType.get()));

    @TempDir
    Path dir;

    private JdbcCatalog catalog;

    @BeforeEach
    void openCatalog() {
        catalog = new JdbcCatalog();
        catalog.setConf(new Configuration());
        catalog.initialize(
                "lake",
                Map.of(
                        CatalogProperties.URI,
                        "jdbc:sqlite:" + dir.resolve("catalog.db"),
                        CatalogProperties.WAREHOUSE_LOCATION,
                        dir.resolve("warehouse").toString()));
    }

    @AfterEach
    void closeCatalog() throws IOException {
        catalog.close();
    }

    @Test
    void createdTablesWriteParquetWithoutDictionariesUnlessTheTableSaysOtherwise() throws IOException {
        Table table = TableProvisioner.ensure(catalog, ID, SCHEMA, PartitionSpec.unpartitioned(), List.of());

        assertThat(table.properties()).containsEntry(TableProvisioner.PARQUET_DICTIONARY, "false");
        assertThat(dictionaryColumns(writeFile(table, "plain.parquet"))).isEmpty();

        // An analyst's ALTER TABLE ... SET TBLPROPERTIES wins over the sink's default.
        table.updateProperties()
                .set(TableProvisioner.PARQUET_DICTIONARY, "true")
                .commit();
        assertThat(dictionaryColumns(writeFile(table, "dictionary.parquet"))).contains("site");
    }

    /** A file of rows with few distinct sites, written as the sink's writers do (the table's properties). */
    private Path writeFile(Table table, String name) throws IOException {
        GenericAppenderFactory appenders =
                new GenericAppenderFactory(table, table.schema(), table.spec(), table.properties(), null, null, null);
        Path file = dir.resolve(name);
        DataWriter<Record> writer = appenders.newDataWriter(
                EncryptedFiles.plainAsEncryptedOutput(table.io().newOutputFile(file.toString())),
                FileFormat.PARQUET,
                null);
        try (writer) {
            for (long offset = 0; offset < 1000; offset++) {
                Record row = GenericRecord.create(table.schema());
                row.setField("site", "site-" + offset % 5);
                row.setField("kafka_offset", offset);
                writer.write(row);
            }
        }
        DataFile written = writer.toDataFile();
        assertThat(written.recordCount()).isEqualTo(1000);
        return file;
    }

    private static List<String> dictionaryColumns(Path file) throws IOException {
        List<String> columns = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()), new Configuration()))) {
            for (BlockMetaData block : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData column : block.getColumns()) {
                    if (column.hasDictionaryPage()) {
                        columns.add(column.getPath().toDotString());
                    }
                }
            }
        }
        return columns;
    }
}
