/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.jspecify.annotations.Nullable;

/**
 * Plain JSON (what devices send) to Avro data by a schema, and back. A union takes the JSON value as is
 * ({@code 21.5}, not Avro's {@code {"double": 21.5}}): the first branch that accepts it wins. A field missing
 * from the JSON takes the schema's default; a field the schema does not know is refused, so a misspelt field
 * name is caught at the device rather than lost. Bytes and fixed are ISO-8859-1 strings, as in Avro's own
 * JSON encoding.
 */
final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {}

    static Object toDatum(JsonNode json, Schema schema) throws PayloadSchema.InvalidPayloadException {
        return toDatum(json, schema, "$");
    }

    private static @Nullable Object toDatum(JsonNode json, Schema schema, String path)
            throws PayloadSchema.InvalidPayloadException {
        switch (schema.getType()) {
            case RECORD:
                return record(json, schema, path);
            case UNION:
                return union(json, schema, path);
            case ARRAY: {
                require(json.isArray(), path, "an array", json);
                List<Object> items = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    items.add(toDatum(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP: {
                require(json.isObject(), path, "an object", json);
                Map<String, Object> map = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    map.put(e.getKey(), toDatum(e.getValue(), schema.getValueType(), path + "." + e.getKey()));
                }
                return map;
            }
            case ENUM:
                require(
                        json.isTextual() && schema.hasEnumSymbol(json.asText()),
                        path,
                        "one of " + schema.getEnumSymbols(),
                        json);
                return new GenericData.EnumSymbol(schema, json.asText());
            case FIXED: {
                require(json.isTextual(), path, "a string", json);
                byte[] bytes = json.asText().getBytes(StandardCharsets.ISO_8859_1);
                require(bytes.length == schema.getFixedSize(), path, schema.getFixedSize() + " bytes", json);
                return new GenericData.Fixed(schema, bytes);
            }
            default:
                return primitive(json, schema, path);
        }
    }

    private static @Nullable Object primitive(JsonNode json, Schema schema, String path)
            throws PayloadSchema.InvalidPayloadException {
        switch (schema.getType()) {
            case NULL:
                require(json.isNull(), path, "null", json);
                return null;
            case BOOLEAN:
                require(json.isBoolean(), path, "a boolean", json);
                return json.booleanValue();
            case INT:
                require(json.isIntegralNumber() && json.canConvertToInt(), path, "an int", json);
                return json.intValue();
            case LONG:
                require(json.isIntegralNumber() && json.canConvertToLong(), path, "a long", json);
                return json.longValue();
            case FLOAT:
                require(json.isNumber(), path, "a number", json);
                return json.floatValue();
            case DOUBLE:
                require(json.isNumber(), path, "a number", json);
                return json.doubleValue();
            case STRING:
                require(json.isTextual(), path, "a string", json);
                return json.asText();
            case BYTES:
                require(json.isTextual(), path, "a string", json);
                return ByteBuffer.wrap(json.asText().getBytes(StandardCharsets.ISO_8859_1));
            default:
                throw new PayloadSchema.InvalidPayloadException(path + ": unsupported Avro type " + schema.getType());
        }
    }

    private static GenericRecord record(JsonNode json, Schema schema, String path)
            throws PayloadSchema.InvalidPayloadException {
        require(json.isObject(), path, "an object (" + schema.getName() + ")", json);
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = json.get(field.name());
            String at = path + "." + field.name();
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    throw new PayloadSchema.InvalidPayloadException(at + ": required field is missing");
                }
                record.put(field.pos(), GenericData.get().getDefaultValue(field));
            } else {
                record.put(field.pos(), toDatum(value, field.schema(), at));
            }
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (schema.getField(name) == null) {
                throw new PayloadSchema.InvalidPayloadException(
                        path + "." + name + ": field not in schema " + schema.getFullName());
            }
        }
        return record;
    }

    private static @Nullable Object union(JsonNode json, Schema schema, String path)
            throws PayloadSchema.InvalidPayloadException {
        PayloadSchema.InvalidPayloadException last = null;
        for (Schema branch : schema.getTypes()) {
            if ((branch.getType() == Schema.Type.NULL) != json.isNull()) {
                continue; // JSON null goes to the null branch, and only there: no exception on the common path
            }
            try {
                return toDatum(json, branch, path);
            } catch (PayloadSchema.InvalidPayloadException e) {
                last = e;
            }
        }
        throw new PayloadSchema.InvalidPayloadException(
                path + ": matches no branch of " + schema + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    private static void require(boolean ok, String path, String expected, JsonNode actual)
            throws PayloadSchema.InvalidPayloadException {
        if (!ok) {
            throw new PayloadSchema.InvalidPayloadException(path + ": expected " + expected + ", found "
                    + actual.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** An Avro datum of {@code schema} as plain JSON. */
    static JsonNode toJson(@Nullable Object datum, Schema schema) {
        switch (schema.getType()) {
            case RECORD: {
                ObjectNode node = NODES.objectNode();
                GenericRecord record = (GenericRecord) datum;
                for (Schema.Field field : schema.getFields()) {
                    node.set(field.name(), toJson(record.get(field.pos()), field.schema()));
                }
                return node;
            }
            case UNION:
                return toJson(datum, schema.getTypes().get(GenericData.get().resolveUnion(schema, datum)));
            case ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (List<?>) datum) {
                    array.add(toJson(item, schema.getElementType()));
                }
                return array;
            }
            case MAP: {
                ObjectNode node = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
                    node.set(e.getKey().toString(), toJson(e.getValue(), schema.getValueType()));
                }
                return node;
            }
            case NULL:
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode((Boolean) datum);
            case INT:
                return NODES.numberNode((Integer) datum);
            case LONG:
                return NODES.numberNode((Long) datum);
            case FLOAT:
                return NODES.numberNode((Float) datum);
            case DOUBLE:
                return NODES.numberNode((Double) datum);
            case BYTES: {
                ByteBuffer b = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                return NODES.textNode(new String(bytes, StandardCharsets.ISO_8859_1));
            }
            case FIXED:
                return NODES.textNode(new String(((GenericData.Fixed) datum).bytes(), StandardCharsets.ISO_8859_1));
            default: // STRING, ENUM
                return NODES.textNode(datum instanceof Utf8 u ? u.toString() : String.valueOf(datum));
        }
    }
}
