/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import io.tributary.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Payloads in the Confluent wire format, as a registry-aware producer (or a validate-and-encode binding) writes. */
public final class RegistryPayloads {
    private RegistryPayloads() {}

    /** Avro binary of a record of {@code schema} with {@code fields}, behind the prefix of {@code schemaId}. */
    public static byte[] avro(int schemaId, String schema, Map<String, ?> fields) {
        Schema parsed = new Schema.Parser().parse(schema);
        GenericData.Record record = new GenericData.Record(parsed);
        fields.forEach(record::put);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
        try {
            new GenericDatumWriter<GenericData.Record>(parsed).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return WireFormat.encode(schemaId, body.toByteArray());
    }

    /** JSON text behind the prefix of {@code schemaId}, as JSON Schema serializers write it. */
    public static byte[] json(int schemaId, String json) {
        return WireFormat.encode(schemaId, json.getBytes(StandardCharsets.UTF_8));
    }
}
