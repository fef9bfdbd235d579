/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import io.tributary.shard.record.ShardRecord;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/** Avro object container files; the schema travels in the file header. */
final class AvroRecordFileWriter implements RecordFileWriter {
    private final RowSchema schema;
    private final DataFileWriter<GenericRecord> writer;

    AvroRecordFileWriter(Path file, RowSchema schema, CodecFactory codec) throws IOException {
        this.schema = schema;
        this.writer = new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(schema.schema())).setCodec(codec);
        writer.create(schema.schema(), file.toFile());
    }

    @Override
    public void write(ShardRecord record) throws BadRecordException, IOException {
        writer.append(schema.toAvro(record));
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
