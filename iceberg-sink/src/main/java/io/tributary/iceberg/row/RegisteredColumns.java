/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import io.tributary.iceberg.registry.PayloadSchema;
import io.tributary.iceberg.registry.PayloadSchemas;
import io.tributary.iceberg.registry.UndecodablePayloadException;
import io.tributary.registry.SchemaLookupException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * Payload columns from the registered schema of a Confluent wire-format payload, instead of guessed from JSON.
 * The table follows the subject's versions: a field the table lacks becomes a {@link SchemaPlan.AddColumn}, a
 * field whose type is wider than its column (int to long, float to double, a decimal of more digits) a
 * {@link SchemaPlan.WidenColumn}, and a field whose type its column cannot take (a long that became a string) a
 * {@link RowRejection} that names the schema id, the field and both types. A column no field of the schema fills
 * (a field an older or newer version has) stays null. Values narrower than their column are widened as they are
 * written (an int field into a long column).
 */
final class RegisteredColumns {

    private final PayloadSchemas schemas;
    private final String prefix;
    private final Set<String> reservedColumns;

    RegisteredColumns(PayloadSchemas schemas, String prefix, Set<String> reservedColumns) {
        this.schemas = schemas;
        this.prefix = prefix;
        this.reservedColumns = reservedColumns;
    }

    /**
     * Fills the payload columns of {@code row} (of {@code table}) from a wire-format {@code payload}; changes the
     * table needs go to {@code plan} (the row is then not complete).
     *
     * @throws RowRejection when the schema id is unknown or has no columns, the payload does not match it, or the
     *     table's columns cannot take its fields
     * @throws io.tributary.registry.RegistryUnavailableException when the schema is not cached and the
     *     registry cannot be asked
     */
    void fill(byte[] payload, Types.StructType table, GenericRecord row, SchemaPlan.Builder plan) {
        PayloadSchema schema;
        GenericRecord values;
        try {
            schema = schemas.forPayload(payload);
            values = schema.decode(payload);
        } catch (SchemaLookupException | UndecodablePayloadException e) {
            throw new RowRejection(e.getMessage());
        }
        String where = "schema id " + schema.id();
        for (NestedField field : schema.columns().fields()) {
            String column = prefix + field.name();
            if (reservedColumns.contains(column)) {
                throw new RowRejection("field '" + field.name() + "' of " + where + " would be column '" + column
                        + "', which is an MQTT column; set a payload column prefix");
            }
            NestedField existing = table.field(column);
            if (existing == null) {
                plan.add(new SchemaPlan.AddColumn(null, column, field.type()));
            } else {
                check(field.type(), existing.type(), column, where, plan);
            }
        }
        if (!plan.isEmpty()) {
            return;
        }
        for (NestedField field : schema.columns().fields()) {
            Object value = values.getField(field.name());
            if (value != null) {
                String column = prefix + field.name();
                row.setField(
                        column, widen(value, field.type(), table.field(column).type()));
            }
        }
    }

    /** Whether a column of type {@code column} takes values of {@code field}, or what change makes it so. */
    private static void check(Type field, Type column, String path, String where, SchemaPlan.Builder plan) {
        if (field.isPrimitiveType() && column.isPrimitiveType()) {
            if (field.equals(column) || TypeUtil.isPromotionAllowed(field, column.asPrimitiveType())) {
                return;
            }
            if (TypeUtil.isPromotionAllowed(column, field.asPrimitiveType())) {
                plan.add(new SchemaPlan.WidenColumn(path, field.asPrimitiveType()));
                return;
            }
        } else if (field.isStructType() && column.isStructType()) {
            for (NestedField nested : field.asStructType().fields()) {
                NestedField existing = column.asStructType().field(nested.name());
                if (existing == null) {
                    plan.add(new SchemaPlan.AddColumn(path, nested.name(), nested.type()));
                } else {
                    check(nested.type(), existing.type(), path + "." + nested.name(), where, plan);
                }
            }
            return;
        } else if (field.isListType() && column.isListType()) {
            check(field.asListType().elementType(), column.asListType().elementType(), path + ".element", where, plan);
            return;
        } else if (field.isMapType()
                && column.isMapType()
                && field.asMapType().keyType().equals(column.asMapType().keyType())) {
            check(field.asMapType().valueType(), column.asMapType().valueType(), path + ".value", where, plan);
            return;
        }
        throw new RowRejection("field '" + path + "' is " + field + " in " + where + ", but column '" + path
                + "' is " + column + " in the table: an incompatible change of the subject (a type Iceberg cannot "
                + "widen to); write it under a new field name");
    }

    /** {@code value} of type {@code from} as a value of the column type {@code to}, which check() accepted. */
    private static @Nullable Object widen(@Nullable Object value, Type from, Type to) {
        if (value == null) {
            return null;
        }
        return switch (to.typeId()) {
            case LONG -> ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case STRUCT -> {
                GenericRecord source = (GenericRecord) value;
                GenericRecord target = GenericRecord.create(to.asStructType());
                for (NestedField field : from.asStructType().fields()) {
                    Object nested = source.getField(field.name());
                    if (nested != null) {
                        NestedField column = to.asStructType().field(field.name());
                        target.setField(field.name(), widen(nested, field.type(), column.type()));
                    }
                }
                yield target;
            }
            case LIST -> {
                List<Object> list = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    list.add(widen(
                            item,
                            from.asListType().elementType(),
                            to.asListType().elementType()));
                }
                yield list;
            }
            case MAP -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                ((Map<?, ?>) value)
                        .forEach((key, item) -> map.put(
                                key,
                                widen(
                                        item,
                                        from.asMapType().valueType(),
                                        to.asMapType().valueType())));
                yield map;
            }
            default -> value; // the same type, or a decimal of more digits (BigDecimal holds it as it is)
        };
    }
}
