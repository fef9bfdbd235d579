/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.registry.WireFormat;
import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a JSON Schema object and the reader of its JSON payloads. Types map as: {@code object} with
 * {@code properties} to struct, {@code object} with only {@code additionalProperties} to map, {@code array} to list
 * of its {@code items}, {@code integer} to long, {@code number} to double, {@code boolean}, and {@code string} to
 * string, or by its {@code format} to date ({@code date}), timestamptz ({@code date-time}), time ({@code time})
 * or uuid ({@code uuid}). A type list with {@code "null"} is the other type; local {@code $ref}s
 * ({@code #/definitions/...}, {@code #/$defs/...}) are followed. A property whose schema names no one type
 * ({@code oneOf}, an open object) gets no column: its values stay in the raw payload column only.
 */
final class JsonSchemaPayloadSchema implements PayloadSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int id;
    private final JsonNode root;
    private final Types.StructType columns;
    private int nextFieldId;

    /** @throws IllegalArgumentException with the reason when the schema is no object schema this sink can map */
    JsonSchemaPayloadSchema(int id, String schemaText) {
        this.id = id;
        try {
            this.root = JSON.readTree(schemaText);
        } catch (IOException e) {
            throw new IllegalArgumentException("is not JSON: " + firstLine(e), e);
        }
        Type type = type(root, "", new HashSet<>());
        if (type == null || !type.isStructType()) {
            throw new IllegalArgumentException("does not describe an object with properties: it has no columns");
        }
        this.columns = type.asStructType();
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
        JsonNode json;
        try {
            json = JSON.readTree(payload, WireFormat.PREFIX_LENGTH, payload.length - WireFormat.PREFIX_LENGTH);
        } catch (IOException e) {
            throw new UndecodablePayloadException("payload of schema id " + id + " is not JSON: " + firstLine(e));
        }
        try {
            Object value = value(json, columns, "");
            if (!(value instanceof GenericRecord record)) {
                throw new UndecodablePayloadException("payload of schema id " + id + " is not a JSON object");
            }
            return record;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new UndecodablePayloadException("payload does not fit schema id " + id + ": " + e.getMessage());
        }
    }

    // ---- JSON Schema -> Iceberg type

    private @Nullable Type type(JsonNode schema, String path, Set<String> following) {
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            return followRef(ref.asText(), path, following);
        }
        String type = singleType(schema, path);
        if (type == null) {
            return schema.path("enum").isArray() ? Types.StringType.get() : null;
        }
        return switch (type) {
            case "object" -> object(schema, path, following);
            case "array" -> {
                Type element = type(schema.path("items"), path + ".element", following);
                yield element == null ? null : Types.ListType.ofOptional(++nextFieldId, element);
            }
            case "string" -> string(schema.path("format").asText(""));
            case "integer" -> Types.LongType.get();
            case "number" -> Types.DoubleType.get();
            case "boolean" -> Types.BooleanType.get();
            default -> null; // "null"
        };
    }

    private @Nullable Type followRef(String ref, String path, Set<String> following) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException(
                    "field '" + path + "' refers to " + ref + ": only references inside the schema are followed");
        }
        JsonNode target = root.at(ref.substring(1));
        if (target.isMissingNode()) {
            throw new IllegalArgumentException("field '" + path + "' refers to " + ref + ", which is not there");
        }
        if (!following.add(ref)) {
            throw new IllegalArgumentException(
                    "field '" + path + "' refers to " + ref + " inside itself: a table has no such type");
        }
        Type type = type(target, path, following);
        following.remove(ref);
        return type;
    }

    /** {@code "type": "x"} or {@code ["x", "null"]}; null when the schema names no single type. */
    private static @Nullable String singleType(JsonNode schema, String path) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return schema.has("properties") ? "object" : null;
        }
        if (type.isTextual()) {
            return type.asText();
        }
        String only = null;
        for (JsonNode member : type) {
            if (!member.asText().equals("null")) {
                if (only != null) {
                    throw new IllegalArgumentException(
                            "field '" + path + "' has types " + type + ": only one type besides null is a column");
                }
                only = member.asText();
            }
        }
        return only;
    }

    private @Nullable Type object(JsonNode schema, String path, Set<String> following) {
        JsonNode properties = schema.path("properties");
        if (properties.isObject() && !properties.isEmpty()) {
            List<NestedField> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                String name = columnName(property.getKey());
                Type type = type(property.getValue(), path.isEmpty() ? name : path + "." + name, following);
                if (type != null) {
                    fields.add(NestedField.optional(++nextFieldId, name, type));
                }
            }
            return fields.isEmpty() ? null : Types.StructType.of(fields);
        }
        JsonNode additional = schema.path("additionalProperties");
        if (additional.isObject()) {
            Type value = type(additional, path + ".value", following);
            return value == null
                    ? null
                    : Types.MapType.ofOptional(++nextFieldId, ++nextFieldId, Types.StringType.get(), value);
        }
        return null;
    }

    private static Type string(String format) {
        return switch (format) {
            case "date" -> Types.DateType.get();
            case "date-time" -> Types.TimestampType.withZone();
            case "time" -> Types.TimeType.get();
            case "uuid" -> Types.UUIDType.get();
            default -> Types.StringType.get();
        };
    }

    /** Iceberg separates nested names with '.': a property {@code a.b} is the column {@code a_b}. */
    static String columnName(String property) {
        return property.replace('.', '_');
    }

    // ---- JSON value -> Iceberg value

    private static @Nullable Object value(JsonNode json, Type type, String path) {
        if (json.isNull()) {
            return null;
        }
        return switch (type.typeId()) {
            case BOOLEAN -> require(json, json.isBoolean(), type, path).booleanValue();
            case LONG ->
                require(json, json.isIntegralNumber() && json.canConvertToLong(), type, path)
                        .longValue();
            case DOUBLE -> require(json, json.isNumber(), type, path).doubleValue();
            case STRING -> json.isTextual() ? json.textValue() : json.toString(); // an enum of numbers, say
            case DATE ->
                LocalDate.parse(require(json, json.isTextual(), type, path).textValue());
            case TIME ->
                LocalTime.parse(require(json, json.isTextual(), type, path).textValue());
            case TIMESTAMP ->
                OffsetDateTime.parse(require(json, json.isTextual(), type, path).textValue())
                        .withOffsetSameInstant(ZoneOffset.UTC);
            case UUID ->
                UUID.fromString(require(json, json.isTextual(), type, path).textValue());
            case STRUCT -> struct(require(json, json.isObject(), type, path), type.asStructType(), path);
            case LIST -> list(require(json, json.isArray(), type, path), type.asListType(), path);
            case MAP -> map(require(json, json.isObject(), type, path), type.asMapType(), path);
            default -> throw new IllegalArgumentException("field '" + path + "' has no JSON reading for " + type);
        };
    }

    private static GenericRecord struct(JsonNode json, Types.StructType type, String path) {
        GenericRecord record = GenericRecord.create(type);
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String name = columnName(property.getKey());
            NestedField field = type.field(name);
            if (field != null) { // properties the schema does not list stay in the raw payload only
                record.setField(
                        name, value(property.getValue(), field.type(), path.isEmpty() ? name : path + "." + name));
            }
        }
        return record;
    }

    private static List<Object> list(JsonNode json, Types.ListType type, String path) {
        List<Object> list = new ArrayList<>(json.size());
        for (JsonNode item : json) {
            list.add(value(item, type.elementType(), path + ".element"));
        }
        return list;
    }

    private static Map<String, Object> map(JsonNode json, Types.MapType type, String path) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            map.put(entry.getKey(), value(entry.getValue(), type.valueType(), path + ".value"));
        }
        return map;
    }

    private static JsonNode require(JsonNode json, boolean fits, Type type, String path) {
        if (!fits) {
            throw new IllegalArgumentException(
                    "field '" + path + "' is " + json.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                            + shortened(json.toString()) + ", but the schema makes it " + type);
        }
        return json;
    }

    private static String firstLine(IOException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String shortened(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
