/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * An Avro schema of the registry. A device sends plain JSON ({@code {"temp": 21.5}}), not Avro's JSON
 * encoding (which wraps union values in their type), so {@link AvroJson} maps it onto the schema; the body
 * is Avro binary, as Confluent's and Apicurio's Avro serializers write it.
 */
final class AvroPayloadSchema implements PayloadSchema {

    private final RegisteredSchema registered;
    private final Schema schema;
    private final GenericDatumWriter<Object> writer;
    private final GenericDatumReader<Object> reader;

    /** @param references schemas defining the named types it uses, in the order they can be parsed */
    AvroPayloadSchema(RegisteredSchema registered, Map<String, RegisteredSchema> references) {
        this.registered = registered;
        try {
            Schema.Parser parser = new Schema.Parser(); // one parser: it knows the named types parsed before
            for (RegisteredSchema referenced : references.values()) {
                parser.parse(referenced.text());
            }
            this.schema = parser.parse(registered.text());
        } catch (SchemaParseException e) {
            throw new IllegalArgumentException(
                    "not a valid Avro schema (id " + registered.id() + "): " + e.getMessage(), e);
        }
        this.writer = new GenericDatumWriter<>(schema);
        this.reader = new GenericDatumReader<>(schema);
    }

    @Override
    public RegisteredSchema registered() {
        return registered;
    }

    @Override
    public void validate(byte[] json) throws InvalidPayloadException {
        AvroJson.toDatum(PayloadSchema.parseJson(json), schema);
    }

    @Override
    public byte[] encode(byte[] json) throws InvalidPayloadException {
        Object datum = AvroJson.toDatum(PayloadSchema.parseJson(json), schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException e) {
            throw new InvalidPayloadException(
                    "payload cannot be written with schema " + registered.id() + ": " + e.getMessage());
        }
        return out.toByteArray();
    }

    @Override
    public byte[] toJson(byte[] body) throws InvalidPayloadException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(body, null);
        try {
            Object datum = reader.read(null, decoder);
            return PayloadSchema.Json.MAPPER.writeValueAsBytes(AvroJson.toJson(datum, schema));
        } catch (IOException | AvroRuntimeException e) {
            throw new InvalidPayloadException(
                    "record is not Avro of schema " + registered.id() + ": " + e.getMessage());
        }
    }
}
