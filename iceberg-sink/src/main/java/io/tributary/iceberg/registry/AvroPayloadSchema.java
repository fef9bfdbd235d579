/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.registry;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.WireFormat;
import io.tributary.registry.columns.AvroRecordSchemas;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * The columns of an Avro record schema and the reader of its binary payloads. Types map as: record to struct,
 * array to list, map to map (string keys), enum to string, bytes to binary, fixed to fixed; logical types date,
 * time-millis/-micros (time), timestamp-millis/-micros (timestamptz: Avro's are instants),
 * local-timestamp-millis/-micros (timestamp), decimal and uuid to their Iceberg types. A union of null and one
 * type is that type; other unions, and records that contain themselves, have no column type and are refused.
 *
 * <p>Not thread-safe (the decoder is reused): one per task, as the converter that holds it.
 */
final class AvroPayloadSchema implements PayloadSchema {

    private final int id;
    private final Schema avro;
    private final Types.StructType columns;
    private final GenericDatumReader<Object> reader;
    private @Nullable BinaryDecoder decoder;
    private int nextFieldId;

    /** @throws IllegalArgumentException with the reason when the schema has a part no Iceberg type holds */
    AvroPayloadSchema(RegisteredSchema registered) {
        this.id = registered.id();
        this.avro = AvroRecordSchemas.record(registered);
        this.columns = struct(avro, "", new HashSet<>());
        // A GenericData of its own: logical types stay their underlying values, converted below, whatever
        // conversions someone registers on the shared GenericData.get().
        this.reader = new GenericDatumReader<>(avro, avro, new GenericData());
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public Types.StructType columns() {
        return columns;
    }

    @Override
    public GenericRecord decode(byte[] payload) throws UndecodablePayloadException {
        decoder = DecoderFactory.get()
                .binaryDecoder(payload, WireFormat.PREFIX_LENGTH, payload.length - WireFormat.PREFIX_LENGTH, decoder);
        Object datum;
        try {
            datum = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodablePayloadException("payload has bytes after the Avro record of schema id " + id);
            }
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new UndecodablePayloadException(
                    "payload is not Avro binary of schema id " + id + ": " + e.getMessage());
        }
        try {
            return (GenericRecord) value(datum, avro, columns);
        } catch (RuntimeException e) { // a uuid string that is no UUID, say
            throw new UndecodablePayloadException("payload does not fit schema id " + id + ": " + e.getMessage());
        }
    }

    // ---- Avro schema -> Iceberg type

    private Types.StructType struct(Schema record, String path, Set<String> enclosing) {
        if (!enclosing.add(record.getFullName())) {
            throw new IllegalArgumentException(
                    "record " + record.getFullName() + " contains itself at '" + path + "': a table has no such type");
        }
        List<NestedField> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            Type type = type(field.schema(), fieldPath, enclosing);
            if (type != null) {
                fields.add(NestedField.optional(++nextFieldId, field.name(), type));
            }
        }
        enclosing.remove(record.getFullName());
        return Types.StructType.of(fields);
    }

    /** @return null for a field that is always null (no column) */
    private @Nullable Type type(Schema schema, String path, Set<String> enclosing) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            return logicalType(logical, schema, path);
        }
        return switch (schema.getType()) {
            case NULL -> null;
            case BOOLEAN -> Types.BooleanType.get();
            case INT -> Types.IntegerType.get();
            case LONG -> Types.LongType.get();
            case FLOAT -> Types.FloatType.get();
            case DOUBLE -> Types.DoubleType.get();
            case STRING, ENUM -> Types.StringType.get();
            case BYTES -> Types.BinaryType.get();
            case FIXED -> Types.FixedType.ofLength(schema.getFixedSize());
            case RECORD -> struct(schema, path, enclosing);
            case ARRAY -> {
                Type element = type(schema.getElementType(), path + ".element", enclosing);
                yield element == null ? null : Types.ListType.ofOptional(++nextFieldId, element);
            }
            case MAP -> {
                Type value = type(schema.getValueType(), path + ".value", enclosing);
                yield value == null
                        ? null
                        : Types.MapType.ofOptional(++nextFieldId, ++nextFieldId, Types.StringType.get(), value);
            }
            case UNION -> type(nullable(schema, path), path, enclosing);
        };
    }

    private static Type logicalType(LogicalType logical, Schema schema, String path) {
        if (logical instanceof LogicalTypes.Decimal decimal) {
            return Types.DecimalType.of(decimal.getPrecision(), decimal.getScale());
        }
        return switch (logical.getName()) {
            case "date" -> Types.DateType.get();
            case "time-millis", "time-micros" -> Types.TimeType.get();
            case "timestamp-millis", "timestamp-micros" -> Types.TimestampType.withZone();
            case "local-timestamp-millis", "local-timestamp-micros" -> Types.TimestampType.withoutZone();
            case "uuid" -> Types.UUIDType.get();
            default ->
                throw new IllegalArgumentException("field '" + path + "' has logical type " + logical.getName()
                        + " (of " + schema.getType().getName() + "), which this sink does not map to a column");
        };
    }

    /** The one type of a union besides null. */
    private static Schema nullable(Schema union, String path) {
        Schema only = null;
        for (Schema member : union.getTypes()) {
            if (member.getType() == Schema.Type.NULL) {
                continue;
            }
            if (only != null) {
                throw new IllegalArgumentException(
                        "field '" + path + "' is a union of " + union.getTypes().size() + " types (" + union
                                + "): only a union of null and one type is a column");
            }
            only = member;
        }
        return only == null ? Schema.create(Schema.Type.NULL) : only;
    }

    // ---- Avro datum -> Iceberg value

    private @Nullable Object value(@Nullable Object datum, Schema schema, Type type) {
        if (datum == null) {
            return null;
        }
        if (schema.getType() == Schema.Type.UNION) {
            return value(datum, nullable(schema, ""), type);
        }
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            return logicalValue(datum, logical, schema);
        }
        return switch (schema.getType()) {
            case STRING, ENUM -> datum.toString();
            case BYTES -> copy((ByteBuffer) datum);
            case FIXED -> ((GenericFixed) datum).bytes().clone();
            case RECORD -> record((IndexedRecord) datum, schema, type.asStructType());
            case ARRAY -> list((List<?>) datum, schema.getElementType(), type.asListType());
            case MAP -> map((Map<?, ?>) datum, schema.getValueType(), type.asMapType());
            default -> datum; // boolean, int, long, float, double: the same Java types in Iceberg's generics
        };
    }

    private GenericRecord record(IndexedRecord datum, Schema schema, Types.StructType type) {
        GenericRecord record = GenericRecord.create(type);
        for (Schema.Field field : schema.getFields()) {
            NestedField column = type.field(field.name());
            if (column != null) {
                record.setField(field.name(), value(datum.get(field.pos()), field.schema(), column.type()));
            }
        }
        return record;
    }

    private List<Object> list(List<?> items, Schema element, Types.ListType type) {
        List<Object> list = new ArrayList<>(items.size());
        for (Object item : items) {
            list.add(value(item, element, type.elementType()));
        }
        return list;
    }

    private Map<String, Object> map(Map<?, ?> entries, Schema value, Types.MapType type) {
        Map<String, Object> map = new LinkedHashMap<>(entries.size() * 2);
        entries.forEach((key, item) -> map.put(key.toString(), value(item, value, type.valueType())));
        return map;
    }

    private static Object logicalValue(Object datum, LogicalType logical, Schema schema) {
        if (logical instanceof LogicalTypes.Decimal decimal) {
            byte[] unscaled = datum instanceof GenericFixed fixed
                    ? fixed.bytes()
                    : copy((ByteBuffer) datum).array();
            return new BigDecimal(new BigInteger(unscaled), decimal.getScale());
        }
        return switch (logical.getName()) {
            case "date" -> LocalDate.ofEpochDay((Integer) datum);
            case "time-millis" -> LocalTime.ofNanoOfDay((Integer) datum * 1_000_000L);
            case "time-micros" -> LocalTime.ofNanoOfDay((Long) datum * 1_000L);
            case "timestamp-millis" -> OffsetDateTime.ofInstant(Instant.ofEpochMilli((Long) datum), ZoneOffset.UTC);
            case "timestamp-micros" ->
                Instant.EPOCH.plus((Long) datum, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
            case "local-timestamp-millis" ->
                LocalDateTime.ofInstant(Instant.ofEpochMilli((Long) datum), ZoneOffset.UTC);
            case "local-timestamp-micros" ->
                LocalDateTime.ofInstant(Instant.EPOCH.plus((Long) datum, ChronoUnit.MICROS), ZoneOffset.UTC);
            case "uuid" ->
                datum instanceof GenericFixed fixed ? uuid(fixed.bytes()) : UUID.fromString(datum.toString());
            default -> throw new IllegalStateException("unmapped logical type " + logical.getName() + " of " + schema);
        };
    }

    private static UUID uuid(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** The reader reuses no buffers here, but a row must not share one with anything: copy. */
    private static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer.duplicate()).flip();
        return copy;
    }
}
