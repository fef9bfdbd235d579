/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.tributary.registry.WireFormat;
import io.tributary.registry.proto.ProtoDescriptors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Payloads in the Confluent wire format, as a registry-aware producer (or a validate-and-encode binding) writes. */
public final class RegistryPayloads {
    /** A Protobuf subject's schema that {@link #METER_PROTO_V1} imports as {@link #SITE_PROTO_IMPORT}. */
    public static final String SITE_PROTO = """
            syntax = "proto3";
            package geo;
            message Site { string room = 1; int32 floor = 2; }""";

    public static final String SITE_PROTO_IMPORT = "geo/site.proto";

    /** A message with a field of each kind the lake maps: scalar, enum, message, repeated, Timestamp. */
    public static final String METER_PROTO_V1 = """
            syntax = "proto3";
            package iot;
            import "geo/site.proto";
            import "google/protobuf/timestamp.proto";
            message Meter {
              enum Phase { ONE = 0; THREE = 1; }
              double kwh = 1;
              Phase phase = 2;
              geo.Site location = 3;
              repeated int32 samples = 4;
              google.protobuf.Timestamp at = 5;
            }""";

    /** Version 1 plus an optional field: BACKWARD compatible, a new column. */
    public static final String METER_PROTO_V2 =
            METER_PROTO_V1.replace("at = 5;", "at = 5;\n  optional string note = 6;");

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

    /**
     * Protobuf binary of the first message of {@code proto} with {@code fields} behind the prefix of {@code
     * schemaId} and the message indexes [0] (one zero byte), as Confluent's and Apicurio's serializers write it.
     * A field's value is as protobuf-java takes it, but an enum's is its name, a message's a map of its fields, a
     * {@code google.protobuf.Timestamp}'s an Instant, and a repeated field's a list (map fields it does not write).
     *
     * @param imports the {@code .proto} files it imports, by import path, imported ones first
     */
    public static byte[] protobuf(int schemaId, String proto, Map<String, String> imports, Map<String, ?> fields) {
        Map<String, Descriptors.FileDescriptor> compiled = new LinkedHashMap<>();
        imports.forEach((name, text) -> compiled.put(name, ProtoDescriptors.compile(name, text, compiled)));
        Descriptors.Descriptor message = ProtoDescriptors.compile("payload.proto", proto, compiled)
                .getMessageTypes()
                .get(0);
        byte[] body = message(message, fields).toByteArray();
        byte[] withIndexes = new byte[body.length + 1];
        System.arraycopy(body, 0, withIndexes, 1, body.length);
        return WireFormat.encode(schemaId, withIndexes);
    }

    private static DynamicMessage message(Descriptors.Descriptor type, Map<String, ?> fields) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        fields.forEach((name, value) -> {
            Descriptors.FieldDescriptor field = type.findFieldByName(name);
            if (field == null) {
                throw new IllegalArgumentException(type.getFullName() + " has no field " + name);
            }
            if (value instanceof List<?> items) {
                items.forEach(item -> builder.addRepeatedField(field, fieldValue(field, item)));
            } else {
                builder.setField(field, fieldValue(field, value));
            }
        });
        return builder.build();
    }

    private static Object fieldValue(Descriptors.FieldDescriptor field, Object value) {
        if (field.getType() == Descriptors.FieldDescriptor.Type.ENUM) {
            return field.getEnumType().findValueByName((String) value);
        }
        if (value instanceof Instant instant) {
            return message(
                    field.getMessageType(), Map.of("seconds", instant.getEpochSecond(), "nanos", instant.getNano()));
        }
        if (value instanceof Map<?, ?> nested) {
            @SuppressWarnings("unchecked")
            Map<String, ?> named = (Map<String, ?>) nested;
            return message(field.getMessageType(), named);
        }
        return value;
    }

    /** JSON text behind the prefix of {@code schemaId}, as JSON Schema serializers write it. */
    public static byte[] json(int schemaId, String json) {
        return WireFormat.encode(schemaId, json.getBytes(StandardCharsets.UTF_8));
    }
}
