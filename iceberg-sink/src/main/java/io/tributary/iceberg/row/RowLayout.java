/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * Where the MQTT and topic-level columns sit in one table schema, worked out once per schema rather than per
 * record: their positions, the ones the table lacks (a plan adds them), and a conflict if the table has one of
 * them with another type (every record is then rejected with that reason, instead of writing a wrong value).
 */
final class RowLayout {

    final Schema schema;
    /** An empty row of this schema: {@link GenericRecord#copy()} is cheaper than building one. */
    final GenericRecord template;
    /** Position of each fixed column in {@link #fixedNames}, -1 when the table lacks it. */
    final String[] fixedNames;

    final int[] fixedPositions;
    /** Position of each topic-level column, -1 when the table lacks it. */
    final int[] levelPositions;

    /** The payload columns the streaming fast path fills (JSON payloads), by field name. */
    final FlatJsonColumns.Slots payloadSlots;

    final @Nullable SchemaPlan missingColumns;
    final @Nullable String conflict;

    RowLayout(Schema schema, Schema base, RowSettings settings, Set<String> reservedColumns) {
        this.schema = schema;
        this.template = GenericRecord.create(schema);
        List<NestedField> columns = schema.columns();
        List<String> fixed = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        levelPositions = new int[settings.topicLevels().size()];
        SchemaPlan.Builder missing = new SchemaPlan.Builder();
        String conflictFound = null;
        for (NestedField wanted : base.columns()) {
            int level = settings.topicLevels().indexOf(wanted.name());
            NestedField actual = schema.findField(wanted.name());
            int position = actual == null ? -1 : columns.indexOf(actual);
            if (actual == null || position < 0) {
                missing.add(new SchemaPlan.AddColumn(null, wanted.name(), wanted.type()));
            } else if (!actual.type().equals(wanted.type()) && !sameMapShape(actual, wanted)) {
                conflictFound = "column '" + wanted.name() + "' is " + actual.type() + " in the table, but the MQTT "
                        + "column is " + wanted.type();
            }
            if (level >= 0) {
                levelPositions[level] = position;
            } else {
                fixed.add(wanted.name());
                positions.add(position);
            }
        }
        this.fixedNames = fixed.toArray(String[]::new);
        this.fixedPositions = positions.stream().mapToInt(Integer::intValue).toArray();
        this.missingColumns = missing.isEmpty() ? null : missing.build();
        this.conflict = conflictFound;
        this.payloadSlots = new FlatJsonColumns.Slots(schema, settings.payloadColumnPrefix(), reservedColumns);
    }

    /** Map types compare their key and value ids too; the table's ids are its own. */
    private static boolean sameMapShape(NestedField actual, NestedField wanted) {
        return actual.type().isMapType()
                && wanted.type().isMapType()
                && actual.type()
                        .asMapType()
                        .keyType()
                        .equals(wanted.type().asMapType().keyType())
                && actual.type()
                        .asMapType()
                        .valueType()
                        .equals(wanted.type().asMapType().valueType());
    }
}
