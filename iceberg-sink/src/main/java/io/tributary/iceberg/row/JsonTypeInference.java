/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * The Iceberg type of a new column from the JSON value that introduces it: integers {@code long} (or
 * {@code double}), other numbers {@code double}, booleans, strings, objects {@code struct}s, arrays {@code list}s
 * of their elements' common type. A value that says nothing about its type (null, [], {}) gives no column yet.
 *
 * <p>Field ids in the types made here are placeholders: Iceberg gives added columns fresh ids.
 */
final class JsonTypeInference {

    private final boolean integersAsDouble;
    private int nextId;

    JsonTypeInference(boolean integersAsDouble) {
        this.integersAsDouble = integersAsDouble;
    }

    /** @throws RowRejection for an array mixing types, or an integer beyond the range of {@code long} */
    @Nullable
    Type infer(JsonNode value, String path) {
        return switch (value.getNodeType()) {
            case BOOLEAN -> Types.BooleanType.get();
            case STRING -> Types.StringType.get();
            case NUMBER -> number(value, path);
            case OBJECT -> struct(value, path);
            case ARRAY -> list(value, path);
            default -> null; // NULL, MISSING; BINARY and POJO are not produced by parsing
        };
    }

    private Type number(JsonNode value, String path) {
        if (!value.isIntegralNumber()) {
            return Types.DoubleType.get();
        }
        if (!value.canConvertToLong()) {
            throw new RowRejection("payload field '" + path + "' is " + value + ", beyond the range of a long");
        }
        return integersAsDouble ? Types.DoubleType.get() : Types.LongType.get();
    }

    private @Nullable Type struct(JsonNode object, String path) {
        List<NestedField> fields = new ArrayList<>(object.size());
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            String name = PayloadColumns.columnName(entry.getKey(), object, path);
            Type type = infer(entry.getValue(), PayloadColumns.path(path, name));
            if (type != null) {
                fields.add(NestedField.optional(++nextId, name, type));
            }
        }
        // Parquet cannot store a struct without fields: {} waits for a value that has some.
        return fields.isEmpty() ? null : Types.StructType.of(fields);
    }

    private @Nullable Type list(JsonNode array, String path) {
        String elementPath = path + ".element";
        Type element = null;
        for (JsonNode item : array) {
            element = merge(element, infer(item, elementPath), path);
        }
        return element == null ? null : Types.ListType.ofOptional(++nextId, element);
    }

    /** The type both array elements fit: the same type, double for long and double, the union of two structs. */
    private @Nullable Type merge(@Nullable Type a, @Nullable Type b, String path) {
        if (a == null) {
            return b;
        }
        if (b == null || a.equals(b)) {
            return a;
        }
        if (isNumber(a) && isNumber(b)) {
            return Types.DoubleType.get();
        }
        if (a.isStructType() && b.isStructType()) {
            return mergeStructs(a.asStructType(), b.asStructType(), path);
        }
        if (a.isListType() && b.isListType()) {
            Type element = merge(a.asListType().elementType(), b.asListType().elementType(), path + ".element");
            return Types.ListType.ofOptional(++nextId, element);
        }
        throw new RowRejection("payload array '" + path + "' mixes " + a + " and " + b + " elements");
    }

    private Type mergeStructs(Types.StructType a, Types.StructType b, String path) {
        List<NestedField> fields = new ArrayList<>(a.fields());
        for (NestedField field : b.fields()) {
            NestedField existing = a.field(field.name());
            if (existing == null) {
                fields.add(field);
            } else {
                Type merged =
                        merge(existing.type(), field.type(), PayloadColumns.path(path + ".element", field.name()));
                fields.set(fields.indexOf(existing), NestedField.optional(existing.fieldId(), field.name(), merged));
            }
        }
        return Types.StructType.of(fields);
    }

    private static boolean isNumber(Type type) {
        return type.typeId() == Type.TypeID.LONG || type.typeId() == Type.TypeID.DOUBLE;
    }
}
