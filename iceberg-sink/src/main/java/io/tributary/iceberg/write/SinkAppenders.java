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
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.parquet.column.ColumnWriteStore;
import org.jspecify.annotations.Nullable;

/**
 * Iceberg's generic appenders, with the rows of Parquet data files written through {@link Utf8StringsWriter}.
 * Everything else (Avro and ORC files, delete files, metrics modes, the writer properties) is Iceberg's own: this
 * builds the Parquet appender as {@link GenericAppenderFactory} does, with one more step in its row writer.
 */
final class SinkAppenders extends GenericAppenderFactory {
    /**
     * False where Iceberg's Parquet is relocated (Spark's {@code iceberg-spark-runtime} jar, which lake-tests runs
     * the sink on): its value writers then take relocated Parquet and Avro types, so this falls back to Iceberg's
     * appenders there.
     */
    private static final boolean UTF8_STRINGS = parquetIsUnrelocated();

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
        if (format != FileFormat.PARQUET || !UTF8_STRINGS) {
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

    /** Whether Parquet data files are written through {@link Utf8StringsWriter} on this class path. */
    static boolean writesUtf8Strings() {
        return UTF8_STRINGS;
    }

    private static boolean parquetIsUnrelocated() {
        try {
            ParquetValueWriter.class.getMethod("setColumnStore", ColumnWriteStore.class);
            return true;
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }
}
