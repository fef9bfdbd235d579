/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.registry;

import io.tributary.registry.columns.ColumnType;
import io.tributary.registry.columns.PayloadColumns;
import io.tributary.registry.columns.UndecodablePayloadException;
import io.tributary.shard.format.BadRecordException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a JSON Schema or Protobuf payload (the registry client's {@link PayloadColumns}) as an Avro
 * record, the schema of the file writers: scalars their Avro namesakes, date, time-micros, timestamp-micros and
 * uuid as logical types, structs records, lists arrays, maps maps (keys as strings: Avro's maps have no other).
 * Every field is nullable, and so is every map value; array elements are not (parquet-avro's list layout, which
 * the MQTT columns use, has no null element: a payload with one is a bad record). A field name that Avro does not
 * allow has each other character as '_'; of two fields that become one name, the first is the column.
 */
final class MappedRegisteredPayload implements RegisteredPayload {

    private static final String NAMESPACE = "io.tributary.payload";

    private final PayloadColumns payload;
    private final Schema record;
    /** Per record, the position in the payload's struct of each of its fields (a skipped name has none). */
    private final Map<Schema, int[]> sourcePositions = new IdentityHashMap<>();

    private final Set<String> recordNames = new HashSet<>();

    MappedRegisteredPayload(PayloadColumns payload) {
        this.payload = payload;
        this.record = record(payload.columns(), "");
    }

    @Override
    public int schemaId() {
        return payload.schemaId();
    }

    @Override
    public String variant() {
        return payload.variant();
    }

    @Override
    public Schema record() {
        return record;
    }

    @Override
    public GenericRecord decode(byte[] bytes) throws BadRecordException {
        List<Object> values;
        try {
            values = payload.decode(bytes);
        } catch (UndecodablePayloadException e) {
            throw new BadRecordException(e.getMessage());
        }
        try {
            return datum(values, record, "");
        } catch (IllegalArgumentException e) { // of datum(): a null where the file has no null
            throw new BadRecordException(
                    "payload does not fit schema id " + payload.schemaId() + ": " + e.getMessage());
        }
    }

    // ---- column type -> Avro schema

    private Schema record(ColumnType.Struct struct, String path) {
        List<Schema.Field> fields = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < struct.fields().size(); i++) {
            ColumnType.Column column = struct.fields().get(i);
            String name = fieldName(column.name());
            if (names.add(name)) {
                Schema type = schema(column.type(), path.isEmpty() ? name : path + "_" + name);
                fields.add(new Schema.Field(name, nullable(type), null, JsonProperties.NULL_VALUE));
                positions.add(i);
            }
        }
        Schema record = Schema.createRecord(recordName(path), null, NAMESPACE, false, fields);
        sourcePositions.put(
                record, positions.stream().mapToInt(Integer::intValue).toArray());
        return record;
    }

    private Schema schema(ColumnType type, String path) {
        if (type instanceof ColumnType.Struct struct) {
            return record(struct, path);
        }
        if (type instanceof ColumnType.ListOf list) {
            return Schema.createArray(schema(list.element(), path + "_element"));
        }
        if (type instanceof ColumnType.MapOf map) {
            return Schema.createMap(nullable(schema(map.value(), path + "_value")));
        }
        return switch ((ColumnType.Scalar) type) {
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case INT -> Schema.create(Schema.Type.INT);
            case LONG -> Schema.create(Schema.Type.LONG);
            case FLOAT -> Schema.create(Schema.Type.FLOAT);
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case STRING -> Schema.create(Schema.Type.STRING);
            case BINARY -> Schema.create(Schema.Type.BYTES);
            case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case TIME -> LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case TIMESTAMP -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case UUID -> LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));
        };
    }

    private static Schema nullable(Schema type) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
    }

    /** Avro names are {@code [A-Za-z_][A-Za-z0-9_]*}: any other character becomes '_'. */
    static String fieldName(String property) {
        StringBuilder name = new StringBuilder(property.length() + 1);
        for (int i = 0; i < property.length(); i++) {
            char c = property.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            if (i == 0 && digit) {
                name.append('_');
            }
            name.append(letter || digit ? c : '_');
        }
        return name.length() == 0 ? "_" : name.toString();
    }

    /** A record name unique in this schema, from where the struct is: Payload, Payload_location, ... */
    private String recordName(String path) {
        String base = path.isEmpty() ? "Payload" : "Payload_" + path;
        String name = base;
        for (int n = 2; !recordNames.add(name); n++) {
            name = base + "_" + n;
        }
        return name;
    }

    // ---- values -> Avro datum (the underlying values of logical types, as the file writers take them)

    private GenericRecord datum(List<Object> values, Schema schema, String path) {
        GenericData.Record datum = new GenericData.Record(schema);
        int[] positions = sourcePositions.get(schema);
        for (Schema.Field field : schema.getFields()) {
            Object value = values.get(positions[field.pos()]);
            String at = path.isEmpty() ? field.name() : path + "." + field.name();
            datum.put(
                    field.pos(),
                    value == null
                            ? null
                            : value(value, field.schema().getTypes().get(1), at));
        }
        return datum;
    }

    private Object value(@Nullable Object value, Schema schema, String path) {
        if (schema.getType() == Schema.Type.UNION) {
            return value == null ? null : value(value, schema.getTypes().get(1), path);
        }
        if (value == null) {
            throw new IllegalArgumentException("field '" + path + "' is null, but the schema makes it "
                    + schema.getType().getName() + " (a list element: a file's list has no null element)");
        }
        return switch (schema.getType()) {
            case RECORD -> datum((List<Object>) value, schema, path);
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(value(item, schema.getElementType(), path + ".element"));
                }
                yield items;
            }
            case MAP -> {
                Map<String, Object> entries = new LinkedHashMap<>();
                ((Map<?, ?>) value)
                        .forEach((key, item) ->
                                entries.put(String.valueOf(key), value(item, schema.getValueType(), path + ".value")));
                yield entries;
            }
            case INT -> value instanceof LocalDate date ? (int) date.toEpochDay() : value;
            case LONG -> {
                if (value instanceof Instant instant) {
                    yield ChronoUnit.MICROS.between(Instant.EPOCH, instant);
                }
                yield value instanceof LocalTime time ? time.toNanoOfDay() / 1_000L : value;
            }
            case STRING -> value instanceof UUID ? value.toString() : value;
            case BYTES -> ((ByteBuffer) value).duplicate();
            default -> value; // boolean, float, double
        };
    }
}
