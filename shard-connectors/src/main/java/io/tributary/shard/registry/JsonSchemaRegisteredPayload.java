/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.registry.WireFormat;
import io.tributary.shard.format.BadRecordException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.jspecify.annotations.Nullable;

/**
 * A registered JSON Schema as Avro columns, and the reader of its JSON payloads. Types map as the Iceberg sink maps
 * them: {@code object} with {@code properties} to a record, {@code object} with only {@code additionalProperties}
 * to a map, {@code array} to an array of its {@code items}, {@code integer} to long, {@code number} to double,
 * {@code boolean}, and {@code string} to string, or by its {@code format} to date ({@code date}),
 * timestamp-micros ({@code date-time}), time-micros ({@code time}) or uuid ({@code uuid}). A type list with
 * {@code "null"} is the other type; local {@code $ref}s are followed. A property whose schema names no one type
 * ({@code oneOf}, an open object) gets no column, nor do properties a payload has beyond its schema: the raw
 * payload column keeps them. Every property is nullable, as JSON Schema properties are optional unless required.
 */
final class JsonSchemaRegisteredPayload implements RegisteredPayload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "io.tributary.payload";

    private final int schemaId;
    private final JsonNode root;
    private final Schema record;
    /** Per record schema, its fields by the JSON property they hold (a field name is the property made Avro-safe). */
    private final Map<Schema, Map<String, Schema.Field>> fieldsByProperty = new IdentityHashMap<>();

    private final Set<String> recordNames = new HashSet<>();

    /** @throws IllegalArgumentException with the reason when the schema is no object schema with columns */
    JsonSchemaRegisteredPayload(int schemaId, String schemaText) {
        this.schemaId = schemaId;
        try {
            this.root = JSON.readTree(schemaText);
        } catch (IOException e) {
            throw new IllegalArgumentException("is not JSON: " + firstLine(e), e);
        }
        Schema type = type(root, "", new HashSet<>());
        if (type == null || type.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("does not describe an object with properties: it has no columns");
        }
        this.record = type;
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
        JsonNode json;
        try {
            json = JSON.readTree(payload, WireFormat.PREFIX_LENGTH, payload.length - WireFormat.PREFIX_LENGTH);
        } catch (IOException e) {
            throw new BadRecordException("payload of schema id " + schemaId + " is not JSON: " + firstLine(e));
        }
        if (json == null || !json.isObject()) {
            throw new BadRecordException("payload of schema id " + schemaId + " is not a JSON object");
        }
        try {
            return record(json, record, "");
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new BadRecordException("payload does not fit schema id " + schemaId + ": " + e.getMessage());
        }
    }

    // ---- JSON Schema -> Avro schema

    /** @return null for a schema that names no single type (no column) */
    private @Nullable Schema type(JsonNode schema, String path, Set<String> following) {
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            return followRef(ref.asText(), path, following);
        }
        String type = singleType(schema, path);
        if (type == null) {
            return schema.path("enum").isArray() ? Schema.create(Schema.Type.STRING) : null;
        }
        return switch (type) {
            case "object" -> object(schema, path, following);
            case "array" -> {
                // Elements are not nullable: parquet-avro's list layout, which the MQTT columns use, has no null
                // element. A payload with a null element is a bad record.
                Schema element = type(schema.path("items"), path + ".element", following);
                yield element == null ? null : Schema.createArray(element);
            }
            case "string" -> string(schema.path("format").asText(""));
            case "integer" -> Schema.create(Schema.Type.LONG);
            case "number" -> Schema.create(Schema.Type.DOUBLE);
            case "boolean" -> Schema.create(Schema.Type.BOOLEAN);
            default -> null; // "null"
        };
    }

    private @Nullable Schema followRef(String ref, String path, Set<String> following) {
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
                    "field '" + path + "' refers to " + ref + " inside itself: a column has no such type");
        }
        Schema type = type(target, path, following);
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

    private @Nullable Schema object(JsonNode schema, String path, Set<String> following) {
        JsonNode properties = schema.path("properties");
        if (properties.isObject() && !properties.isEmpty()) {
            List<Schema.Field> fields = new ArrayList<>();
            Map<String, Schema.Field> byProperty = new LinkedHashMap<>();
            Set<String> names = new HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                String name = fieldName(property.getKey());
                Schema type = type(property.getValue(), path.isEmpty() ? name : path + "." + name, following);
                if (type != null && names.add(name)) { // two properties that are one name in Avro: the first
                    Schema.Field field = new Schema.Field(name, nullable(type), null, JsonProperties.NULL_VALUE);
                    fields.add(field);
                    byProperty.put(property.getKey(), field);
                }
            }
            if (fields.isEmpty()) {
                return null;
            }
            Schema record = Schema.createRecord(recordName(path), null, NAMESPACE, false, fields);
            fieldsByProperty.put(record, byProperty);
            return record;
        }
        JsonNode additional = schema.path("additionalProperties");
        if (additional.isObject()) {
            Schema value = type(additional, path + ".value", following);
            return value == null ? null : Schema.createMap(nullable(value));
        }
        return null;
    }

    private static Schema string(String format) {
        return switch (format) {
            case "date" -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case "date-time" -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case "time" -> LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case "uuid" -> LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));
            default -> Schema.create(Schema.Type.STRING);
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

    /** A record name unique in this schema, from where the object is: Payload, Payload_location, ... */
    private String recordName(String path) {
        String base = path.isEmpty() ? "Payload" : "Payload_" + fieldName(path.replace('.', '_'));
        String name = base;
        for (int n = 2; !recordNames.add(name); n++) {
            name = base + "_" + n;
        }
        return name;
    }

    // ---- JSON value -> Avro datum (the underlying values of logical types, as the file writers take them)

    private GenericRecord record(JsonNode json, Schema schema, String path) {
        GenericData.Record values = new GenericData.Record(schema);
        Map<String, Schema.Field> fields = fieldsByProperty.get(schema);
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            Schema.Field field = fields.get(property.getKey());
            if (field != null) {
                String at = path.isEmpty() ? field.name() : path + "." + field.name();
                values.put(field.pos(), value(property.getValue(), field.schema(), at));
            }
        }
        return values;
    }

    private @Nullable Object value(JsonNode json, Schema schema, String path) {
        if (schema.getType() == Schema.Type.UNION) {
            return json.isNull() ? null : value(json, schema.getTypes().get(1), path);
        }
        if (json.isNull()) {
            throw new IllegalArgumentException(
                    "field '" + path + "' is null, but the schema makes it " + describe(schema));
        }
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            return logicalValue(require(json, json.isTextual(), schema, path).textValue(), logical);
        }
        return switch (schema.getType()) {
            case BOOLEAN -> require(json, json.isBoolean(), schema, path).booleanValue();
            case LONG ->
                require(json, json.isIntegralNumber() && json.canConvertToLong(), schema, path)
                        .longValue();
            case DOUBLE -> require(json, json.isNumber(), schema, path).doubleValue();
            case STRING -> json.isTextual() ? json.textValue() : json.toString(); // an enum of numbers, say
            case RECORD -> record(require(json, json.isObject(), schema, path), schema, path);
            case ARRAY -> {
                List<Object> items = new ArrayList<>(
                        require(json, json.isArray(), schema, path).size());
                for (JsonNode item : json) {
                    items.add(value(item, schema.getElementType(), path + ".element"));
                }
                yield items;
            }
            case MAP -> {
                Map<String, Object> entries = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                require(json, json.isObject(), schema, path).fields();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    entries.put(entry.getKey(), value(entry.getValue(), schema.getValueType(), path + ".value"));
                }
                yield entries;
            }
            default -> throw new IllegalStateException("no JSON reading for " + schema);
        };
    }

    private static Object logicalValue(String text, LogicalType logical) {
        return switch (logical.getName()) {
            case "date" -> (int) LocalDate.parse(text).toEpochDay();
            case "timestamp-micros" -> ChronoUnit.MICROS.between(Instant.EPOCH, OffsetDateTime.parse(text));
            case "time-micros" -> LocalTime.parse(text).toNanoOfDay() / 1_000L;
            case "uuid" -> uuid(text);
            default -> throw new IllegalStateException("unmapped logical type " + logical.getName());
        };
    }

    private static String uuid(String text) {
        try {
            return UUID.fromString(text).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + shortened(text) + "' is no uuid");
        }
    }

    private static JsonNode require(JsonNode json, boolean fits, Schema schema, String path) {
        if (!fits) {
            throw new IllegalArgumentException("field '" + path + "' is "
                    + json.getNodeType().name().toLowerCase(Locale.ROOT) + " " + shortened(json.toString())
                    + ", but the schema makes it " + describe(schema));
        }
        return json;
    }

    private static String describe(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        return logical != null ? logical.getName() : schema.getType().getName();
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
