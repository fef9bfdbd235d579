/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A JSON payload's values in the columns of its JSON Schema ({@link JsonSchemaColumns}). */
final class JsonValues {

    private JsonValues() {}

    /** The values of {@code json}'s properties that are fields of {@code type}; properties beyond them are left. */
    static List<Object> struct(JsonNode json, ColumnType.Struct type, String path) {
        List<ColumnType.Column> fields = type.fields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            ColumnType.Column field = fields.get(i);
            JsonNode value = json.get(field.name());
            if (value != null) {
                values[i] = value(value, field.type(), path.isEmpty() ? field.name() : path + "." + field.name());
            }
        }
        return Arrays.asList(values);
    }

    private static @Nullable Object value(JsonNode json, ColumnType type, String path) {
        if (json.isNull()) {
            return null;
        }
        if (type instanceof ColumnType.Struct struct) {
            return struct(require(json, json.isObject(), type, path), struct, path);
        }
        if (type instanceof ColumnType.ListOf list) {
            List<Object> items = new ArrayList<>(json.size());
            for (JsonNode item : require(json, json.isArray(), type, path)) {
                items.add(value(item, list.element(), path + ".element"));
            }
            return items;
        }
        if (type instanceof ColumnType.MapOf map) {
            Map<Object, Object> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            require(json, json.isObject(), type, path).fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                entries.put(entry.getKey(), value(entry.getValue(), map.value(), path + ".value"));
            }
            return entries;
        }
        return switch ((ColumnType.Scalar) type) {
            case BOOLEAN -> require(json, json.isBoolean(), type, path).booleanValue();
            case LONG ->
                require(json, json.isIntegralNumber() && json.canConvertToLong(), type, path)
                        .longValue();
            case DOUBLE -> require(json, json.isNumber(), type, path).doubleValue();
            case STRING -> json.isTextual() ? json.textValue() : json.toString(); // an enum of numbers, say
            case DATE -> LocalDate.parse(text(json, type, path));
            case TIME -> LocalTime.parse(text(json, type, path));
            case TIMESTAMP -> OffsetDateTime.parse(text(json, type, path)).toInstant();
            case UUID -> uuid(text(json, type, path));
            default -> throw new IllegalStateException("JSON Schema gives no column of " + type);
        };
    }

    private static String text(JsonNode json, ColumnType type, String path) {
        return require(json, json.isTextual(), type, path).textValue();
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + shortened(text) + "' is no uuid");
        }
    }

    private static JsonNode require(JsonNode json, boolean fits, ColumnType type, String path) {
        if (!fits) {
            throw new IllegalArgumentException("field '" + path + "' is "
                    + json.getNodeType().name().toLowerCase(Locale.ROOT) + " " + shortened(json.toString())
                    + ", but the schema makes it " + describe(type));
        }
        return json;
    }

    private static String describe(ColumnType type) {
        if (type instanceof ColumnType.Scalar scalar) {
            return scalar.name().toLowerCase(Locale.ROOT);
        }
        return type instanceof ColumnType.Struct
                ? "an object"
                : type instanceof ColumnType.ListOf ? "an array" : "a map";
    }

    static String firstLine(IOException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String shortened(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
