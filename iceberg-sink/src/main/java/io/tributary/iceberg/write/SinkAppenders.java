/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.jspecify.annotations.Nullable;

/**
 * Iceberg's generic appenders, with the rows of Parquet data files written through {@link Utf8StringsWriter}.
 * Everything else (Avro and ORC files, delete files, metrics modes, the writer properties) is Iceberg's own: this
 * builds the Parquet appender as {@link GenericAppenderFactory} does, with one more step in its row writer.
 */
final class SinkAppenders extends GenericAppenderFactory {
    private final Table table;
    private final Schema schema;
    private final Map<String, String> properties;

    SinkAppenders(
            Table table,
            Schema schema,
            PartitionSpec spec,
            Map<String, String> properties,
            int @Nullable [] equalityFieldIds,
            @Nullable Schema eqDeleteRowSchema) {
        super(table, schema, spec, properties, equalityFieldIds, eqDeleteRowSchema, null);
        this.table = table;
        this.schema = schema;
        this.properties = properties;
    }

    @Override
    public FileAppender<Record> newAppender(EncryptedOutputFile file, FileFormat format) {
        if (format != FileFormat.PARQUET) {
            return super.newAppender(file, format);
        }
        try {
            return Parquet.write(file)
                    .schema(schema)
                    .createWriterFunc((icebergSchema, parquetType) -> Utf8StringsWriter.wrap(
                            GenericParquetWriter.create(icebergSchema, parquetType), icebergSchema))
                    .setAll(properties)
                    .metricsConfig(MetricsConfig.forTable(table))
                    .overwrite()
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
