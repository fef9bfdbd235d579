/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.registry;

import io.tributary.registry.columns.ColumnType;
import io.tributary.registry.columns.PayloadColumns;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a JSON Schema or Protobuf payload (the registry client's {@link PayloadColumns}) as Iceberg
 * types: each {@link ColumnType.Scalar} its namesake (timestamp with zone), structs, lists and maps with optional
 * fields, elements and values. A field name with a '.' (Iceberg's separator of nested names) becomes a column
 * with '_' in its place.
 */
final class MappedPayloadSchema implements PayloadSchema {

    private final PayloadColumns payload;
    private final Types.StructType columns;
    private int nextFieldId;

    MappedPayloadSchema(PayloadColumns payload) {
        this.payload = payload;
        this.columns = struct(payload.columns());
    }

    @Override
    public int id() {
        return payload.schemaId();
    }

    @Override
    public Types.StructType columns() {
        return columns;
    }

    @Override
    public GenericRecord decode(byte[] bytes) throws UndecodablePayloadException {
        try {
            return record(payload.decode(bytes), columns);
        } catch (io.tributary.registry.columns.UndecodablePayloadException e) {
            throw new UndecodablePayloadException(e.getMessage());
        }
    }

    /** Iceberg separates nested names with '.': a field {@code a.b} is the column {@code a_b}. */
    static String columnName(String field) {
        return field.replace('.', '_');
    }

    // ---- column type -> Iceberg type

    private Types.StructType struct(ColumnType.Struct struct) {
        List<NestedField> fields = new ArrayList<>();
        for (ColumnType.Column column : struct.fields()) {
            fields.add(NestedField.optional(++nextFieldId, columnName(column.name()), type(column.type())));
        }
        return Types.StructType.of(fields);
    }

    private Type type(ColumnType type) {
        if (type instanceof ColumnType.Struct struct) {
            return struct(struct);
        }
        if (type instanceof ColumnType.ListOf list) {
            return Types.ListType.ofOptional(++nextFieldId, type(list.element()));
        }
        if (type instanceof ColumnType.MapOf map) {
            return Types.MapType.ofOptional(++nextFieldId, ++nextFieldId, type(map.key()), type(map.value()));
        }
        return switch ((ColumnType.Scalar) type) {
            case BOOLEAN -> Types.BooleanType.get();
            case INT -> Types.IntegerType.get();
            case LONG -> Types.LongType.get();
            case FLOAT -> Types.FloatType.get();
            case DOUBLE -> Types.DoubleType.get();
            case STRING -> Types.StringType.get();
            case BINARY -> Types.BinaryType.get();
            case DATE -> Types.DateType.get();
            case TIME -> Types.TimeType.get();
            case TIMESTAMP -> Types.TimestampType.withZone();
            case UUID -> Types.UUIDType.get();
        };
    }

    // ---- values -> Iceberg values (the same Java types but for timestamps and structs)

    private static GenericRecord record(List<Object> values, Types.StructType type) {
        GenericRecord record = GenericRecord.create(type);
        for (int i = 0; i < values.size(); i++) {
            NestedField field = type.fields().get(i);
            record.set(i, value(values.get(i), field.type()));
        }
        return record;
    }

    private static @Nullable Object value(@Nullable Object value, Type type) {
        if (value == null) {
            return null;
        }
        return switch (type.typeId()) {
            case TIMESTAMP -> ((Instant) value).atOffset(ZoneOffset.UTC);
            case BINARY -> ((ByteBuffer) value).duplicate();
            case STRUCT -> record((List<Object>) value, type.asStructType());
            case LIST -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(value(item, type.asListType().elementType()));
                }
                yield items;
            }
            case MAP -> {
                Map<Object, Object> entries = new LinkedHashMap<>();
                ((Map<?, ?>) value)
                        .forEach((key, item) -> entries.put(
                                value(key, type.asMapType().keyType()),
                                value(item, type.asMapType().valueType())));
                yield entries;
            }
            default -> value;
        };
    }
}
