/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * Puts the fields of a JSON object into the payload columns of a row, in one walk that also finds what the
 * table lacks: a field without a column becomes an {@link SchemaPlan.AddColumn}, a value too wide for its
 * column a {@link SchemaPlan.WidenColumn}, and a value of another kind than its column a {@link RowRejection}.
 * Never converts with loss: {@code 20.5} is not written into a {@code long} column, nor {@code "7"} into an
 * {@code int} one.
 *
 * <p>Top-level field {@code f} is column {@code prefix + f}; at every level a '.' in a field name becomes '_'
 * (Iceberg separates nested names with dots).
 */
final class PayloadColumns {

    private final String prefix;
    private final Set<String> reservedColumns;
    private final JsonTypeInference inference;

    /** {@code reservedColumns}: top-level names a payload field must not take (the MQTT and topic-level columns). */
    PayloadColumns(String prefix, Set<String> reservedColumns, boolean integersAsDouble) {
        this.prefix = prefix;
        this.reservedColumns = reservedColumns;
        this.inference = new JsonTypeInference(integersAsDouble);
    }

    /** Fills {@code row} (of the table's top-level struct) from {@code json}; changes the table needs go to {@code plan}. */
    void fill(JsonNode json, Types.StructType table, GenericRecord row, SchemaPlan.Builder plan) {
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
            String column = prefix + columnName(entry.getKey(), json, null);
            if (reservedColumns.contains(column)) {
                throw new RowRejection("payload field '" + entry.getKey() + "' would be column '" + column
                        + "', which is an MQTT column; set a payload column prefix");
            }
            fillField(entry.getValue(), column, null, table, row, plan);
        }
    }

    private void fillField(
            JsonNode value,
            String column,
            @Nullable String parentPath,
            Types.StructType struct,
            GenericRecord record,
            SchemaPlan.Builder plan) {
        if (value.isNull()) {
            return;
        }
        String path = path(parentPath, column);
        NestedField field = struct.field(column);
        if (field == null) {
            Type type = inference.infer(value, path);
            if (type != null) {
                plan.add(new SchemaPlan.AddColumn(parentPath, column, type));
            }
            return;
        }
        Object converted = convert(value, field.type(), path, plan);
        if (converted != null) {
            record.setField(column, converted);
        }
    }

    private @Nullable Object convert(JsonNode value, Type type, String path, SchemaPlan.Builder plan) {
        return switch (type.typeId()) {
            case BOOLEAN -> {
                require(value.isBoolean(), value, type, path);
                yield value.booleanValue();
            }
            case STRING -> {
                require(value.isTextual(), value, type, path);
                yield value.textValue();
            }
            case INTEGER -> toInt(value, type, path, plan);
            case LONG -> {
                require(value.isIntegralNumber() && value.canConvertToLong(), value, type, path);
                yield value.longValue();
            }
            case FLOAT -> toFloat(value, type, path, plan);
            case DOUBLE -> toDouble(value, type, path);
            case STRUCT -> toStruct(value, type.asStructType(), path, plan);
            case LIST -> toList(value, type.asListType(), path, plan);
            default ->
                throw new RowRejection("payload field '" + path + "' is " + kind(value) + " but column '" + path
                        + "' is " + type + ", which JSON payloads do not fill");
        };
    }

    private @Nullable Object toInt(JsonNode value, Type type, String path, SchemaPlan.Builder plan) {
        require(value.isIntegralNumber() && value.canConvertToLong(), value, type, path);
        if (value.canConvertToInt()) {
            return value.intValue();
        }
        plan.add(new SchemaPlan.WidenColumn(path, Types.LongType.get()));
        return null;
    }

    private @Nullable Object toFloat(JsonNode value, Type type, String path, SchemaPlan.Builder plan) {
        require(value.isNumber(), value, type, path);
        double exact = toDouble(value, type, path);
        float narrow = (float) exact;
        if (narrow == exact) {
            return narrow;
        }
        plan.add(new SchemaPlan.WidenColumn(path, Types.DoubleType.get()));
        return null;
    }

    /** Integers too, when a double holds them exactly (JSON writers often print 20.0 as 20). */
    private static double toDouble(JsonNode value, Type type, String path) {
        require(value.isNumber(), value, type, path);
        if (!value.isIntegralNumber()) {
            return value.doubleValue();
        }
        require(value.canConvertToLong(), value, type, path);
        long integer = value.longValue();
        double converted = (double) integer;
        if ((long) converted != integer || integer == Long.MAX_VALUE) {
            throw new RowRejection("payload field '" + path + "' is " + value + ", which column '" + path
                    + "' (double) cannot hold exactly");
        }
        return converted;
    }

    private GenericRecord toStruct(JsonNode value, Types.StructType type, String path, SchemaPlan.Builder plan) {
        require(value.isObject(), value, type, path);
        GenericRecord struct = GenericRecord.create(type);
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            fillField(entry.getValue(), columnName(entry.getKey(), value, path), path, type, struct, plan);
        }
        requireValues(type, struct, path);
        return struct;
    }

    private List<@Nullable Object> toList(JsonNode value, Types.ListType type, String path, SchemaPlan.Builder plan) {
        require(value.isArray(), value, type, path);
        String elementPath = path + ".element";
        List<@Nullable Object> list = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (item.isNull()) {
                if (type.isElementRequired()) {
                    throw new RowRejection("payload array '" + path + "' holds null, but its elements are required");
                }
                list.add(null);
            } else {
                list.add(convert(item, type.elementType(), elementPath, plan));
            }
        }
        return list;
    }

    /** A required field of a struct left null (absent or null in the JSON) rejects the record. */
    static void requireValues(Types.StructType type, GenericRecord record, @Nullable String path) {
        List<NestedField> fields = type.fields();
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).isRequired() && record.get(i) == null) {
                throw new RowRejection("column '" + path(path, fields.get(i).name()) + "' is required, but the record "
                        + "has no value for it");
            }
        }
    }

    /**
     * The column name of JSON field {@code field} of {@code object}: the field name with '.' made '_'. Refused when
     * empty, or when that makes it the name of another field of the same object.
     */
    static String columnName(String field, JsonNode object, @Nullable String path) {
        if (field.isEmpty()) {
            throw new RowRejection("payload object " + (path == null ? "" : "'" + path + "' ") + "has a field with an "
                    + "empty name, which cannot be a column");
        }
        if (field.indexOf('.') < 0) {
            return field;
        }
        String name = field.replace('.', '_');
        if (object.has(name)) {
            throw new RowRejection("payload fields '" + path(path, field) + "' and '" + path(path, name)
                    + "' would both be column '" + path(path, name) + "' ('.' separates nested names in Iceberg)");
        }
        return name;
    }

    static String path(@Nullable String parent, String name) {
        return parent == null ? name : parent + "." + name;
    }

    private static void require(boolean fits, JsonNode value, Type type, String path) {
        if (!fits) {
            throw new RowRejection("payload field '" + path + "' is " + kind(value) + " but column '" + path + "' is "
                    + type + (isFractionIntoInteger(value, type) ? " (Iceberg cannot widen it to double)" : ""));
        }
    }

    private static boolean isFractionIntoInteger(JsonNode value, Type type) {
        return value.isFloatingPointNumber()
                && (type.typeId() == Type.TypeID.LONG || type.typeId() == Type.TypeID.INTEGER);
    }

    /** What a JSON value is, for reasons: {@code a string "abc"}, long strings shortened, containers not shown. */
    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case NUMBER -> (value.isIntegralNumber() ? "an integer " : "a fractional number ") + value.asText();
            case STRING -> "a string \"" + shortened(value.textValue()) + "\"";
            case BOOLEAN -> "a boolean " + value.asText();
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String shortened(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
