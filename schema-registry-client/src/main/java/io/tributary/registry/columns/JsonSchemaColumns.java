/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a JSON Schema object. Types map as: {@code object} with {@code properties} to a struct, {@code
 * object} with only {@code additionalProperties} to a map of strings, {@code array} to a list of its {@code
 * items}, {@code integer} to long, {@code number} to double, {@code boolean}, and {@code string} to string, or by
 * its {@code format} to date ({@code date}), timestamp ({@code date-time}), time ({@code time}) or uuid ({@code
 * uuid}); an {@code enum} without a type to string. A type list with {@code "null"} is the other type. A
 * {@code $ref} is followed: inside the document ({@code #/definitions/...}, {@code #/$defs/...}), or to another
 * subject's schema that the registry lists among the schema's references under that name (with a fragment into
 * it, {@code other.json#/$defs/X}, too). A property whose schema names no one type ({@code oneOf}, an open object)
 * gets no column: its values stay in the raw payload only.
 */
final class JsonSchemaColumns implements SchemaColumns, PayloadColumns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int schemaId;
    private final JsonNode root;
    /** The referenced documents by the name the schema's {@code $ref}s use, and by their {@code $id}. */
    private final Map<String, JsonNode> referenced = new HashMap<>();

    private final ColumnType.Struct columns;

    /** @throws IllegalArgumentException with the reason when the schema has no columns */
    JsonSchemaColumns(RegisteredSchema schema) {
        this.schemaId = schema.id();
        this.root = read(schema.text(), "the schema");
        for (RegisteredSchema.Reference reference : schema.references()) {
            JsonNode document = read(reference.text(), "its reference " + reference.name());
            referenced.put(reference.name(), document);
            if (document.path("$id").isTextual()) {
                referenced.putIfAbsent(document.path("$id").asText(), document);
            }
        }
        ColumnType type = type(root, root, "", new HashSet<>());
        if (!(type instanceof ColumnType.Struct struct)) {
            throw new IllegalArgumentException("does not describe an object with properties: it has no columns");
        }
        this.columns = struct;
    }

    private static JsonNode read(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("has " + what + " not in JSON: " + JsonValues.firstLine(e), e);
        }
    }

    @Override
    public PayloadColumns forPayload(byte[] payload) {
        return this;
    }

    @Override
    public int schemaId() {
        return schemaId;
    }

    @Override
    public String variant() {
        return "";
    }

    @Override
    public ColumnType.Struct columns() {
        return columns;
    }

    @Override
    public List<Object> decode(byte[] payload) throws UndecodablePayloadException {
        JsonNode json;
        try {
            json = JSON.readTree(payload, WireFormat.PREFIX_LENGTH, payload.length - WireFormat.PREFIX_LENGTH);
        } catch (IOException e) {
            throw new UndecodablePayloadException(
                    "payload of schema id " + schemaId + " is not JSON: " + JsonValues.firstLine(e));
        }
        if (json == null || !json.isObject()) {
            throw new UndecodablePayloadException("payload of schema id " + schemaId + " is not a JSON object");
        }
        try {
            return JsonValues.struct(json, columns, "");
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new UndecodablePayloadException("payload does not fit schema id " + schemaId + ": " + e.getMessage());
        }
    }

    // ---- JSON Schema -> column type

    /**
     * @param document the document {@code schema} is in, which its local {@code $ref}s point into
     * @return null for a schema that names no single type (no column)
     */
    private @Nullable ColumnType type(JsonNode schema, JsonNode document, String path, Set<String> following) {
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            return followRef(ref.asText(), document, path, following);
        }
        String type = singleType(schema, path);
        if (type == null) {
            return schema.path("enum").isArray() ? ColumnType.Scalar.STRING : null;
        }
        return switch (type) {
            case "object" -> object(schema, document, path, following);
            case "array" -> {
                ColumnType element = type(schema.path("items"), document, path + ".element", following);
                yield element == null ? null : new ColumnType.ListOf(element);
            }
            case "string" -> string(schema.path("format").asText(""));
            case "integer" -> ColumnType.Scalar.LONG;
            case "number" -> ColumnType.Scalar.DOUBLE;
            case "boolean" -> ColumnType.Scalar.BOOLEAN;
            default -> null; // "null"
        };
    }

    private @Nullable ColumnType followRef(String ref, JsonNode document, String path, Set<String> following) {
        int hash = ref.indexOf('#');
        String documentName = hash < 0 ? ref : ref.substring(0, hash);
        String pointer = hash < 0 ? "" : ref.substring(hash + 1);
        JsonNode target = documentName.isEmpty() ? document : referenced.get(documentName);
        if (target == null) {
            throw new IllegalArgumentException("field '" + path + "' refers to " + ref + ", but the schema's "
                    + "references (the registry's) name no " + documentName + " (they name " + referenced.keySet()
                    + ")");
        }
        JsonNode targetDocument = target;
        target = target.at(pointer);
        if (target.isMissingNode()) {
            throw new IllegalArgumentException("field '" + path + "' refers to " + ref + ", which is not there");
        }
        String key = (documentName.isEmpty() ? System.identityHashCode(document) + "" : documentName) + "#" + pointer;
        if (!following.add(key)) {
            throw new IllegalArgumentException(
                    "field '" + path + "' refers to " + ref + " inside itself: a column has no such type");
        }
        ColumnType type = type(target, targetDocument, path, following);
        following.remove(key);
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

    private @Nullable ColumnType object(JsonNode schema, JsonNode document, String path, Set<String> following) {
        JsonNode properties = schema.path("properties");
        if (properties.isObject() && !properties.isEmpty()) {
            List<ColumnType.Column> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                String name = property.getKey();
                ColumnType type =
                        type(property.getValue(), document, path.isEmpty() ? name : path + "." + name, following);
                if (type != null) {
                    fields.add(new ColumnType.Column(name, type));
                }
            }
            return fields.isEmpty() ? null : new ColumnType.Struct(fields);
        }
        JsonNode additional = schema.path("additionalProperties");
        if (additional.isObject()) {
            ColumnType value = type(additional, document, path + ".value", following);
            return value == null ? null : new ColumnType.MapOf(ColumnType.Scalar.STRING, value);
        }
        return null;
    }

    private static ColumnType string(String format) {
        return switch (format) {
            case "date" -> ColumnType.Scalar.DATE;
            case "date-time" -> ColumnType.Scalar.TIMESTAMP;
            case "time" -> ColumnType.Scalar.TIME;
            case "uuid" -> ColumnType.Scalar.UUID;
            default -> ColumnType.Scalar.STRING;
        };
    }
}
