/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.registry;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.WireFormat;
import io.tributary.registry.columns.AvroRecordSchemas;
import io.tributary.shard.format.BadRecordException;
import java.io.IOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.jspecify.annotations.Nullable;

/**
 * A registered Avro record schema: its fields are the payload columns as they are, types, logical types and
 * nullability included, and a payload's values go into them undecoded (no conversion to Java types and back), so a
 * tiered row holds exactly what the producer wrote.
 */
final class AvroRegisteredPayload implements RegisteredPayload {

    private final int schemaId;
    private final Schema record;
    private final GenericDatumReader<GenericRecord> reader;
    private @Nullable BinaryDecoder decoder;

    /** @throws IllegalArgumentException with the reason when the schema is no Avro record */
    AvroRegisteredPayload(RegisteredSchema registered) {
        this.schemaId = registered.id();
        this.record = AvroRecordSchemas.record(registered);
        // A GenericData of its own: logical types stay their underlying values, which is what the file writers
        // take, whatever conversions someone registers on the shared GenericData.get().
        this.reader = new GenericDatumReader<>(record, record, new GenericData());
    }

    @Override
    public int schemaId() {
        return schemaId;
    }

    @Override
    public Schema record() {
        return record;
    }

    @Override
    public GenericRecord decode(byte[] payload) throws BadRecordException {
        decoder = DecoderFactory.get()
                .binaryDecoder(payload, WireFormat.PREFIX_LENGTH, payload.length - WireFormat.PREFIX_LENGTH, decoder);
        try {
            GenericRecord values = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new BadRecordException("payload has bytes after the Avro record of schema id " + schemaId);
            }
            return values;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new BadRecordException("payload is not Avro binary of schema id " + schemaId + ": " + e.getMessage());
        }
    }
}
