/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import io.tributary.shard.record.ShardRecord;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/** Parquet files with the columns of a {@link RowSchema}, written through parquet-avro from its Avro schema. */
final class ParquetRecordFileWriter implements RecordFileWriter {
    private final RowSchema schema;
    private final ParquetWriter<GenericRecord> writer;

    ParquetRecordFileWriter(Path file, RowSchema schema, CompressionCodecName codec) throws IOException {
        this.schema = schema;
        this.writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema.schema())
                .withDataModel(GenericData.get())
                // No core-site.xml lookups from the worker's class path: the file is local either way.
                .withConf(new Configuration(false))
                .withCompressionCodec(codec)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    @Override
    public void write(ShardRecord record) throws BadRecordException, IOException {
        writer.write(schema.toAvro(record));
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
