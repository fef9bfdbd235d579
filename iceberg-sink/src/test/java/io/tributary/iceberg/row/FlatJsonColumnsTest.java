/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming fast path against the full path ({@link PayloadColumns} over Jackson's tree): what the fast path
 * accepts, the full path fills with the same values and no schema change or rejection; what it gives up on leaves
 * the row untouched. The payloads it must accept are marked, so a fast path that gave up on everything would fail.
 */
class FlatJsonColumnsTest {

    private static final Set<String> RESERVED = Set.of("topic");

    /** The payload, and whether the fast path must take it (false: it must hand it to the full path). */
    static Stream<Arguments> payloads() {
        return Stream.of(
                Arguments.of("{\"i\":1,\"l\":2,\"f\":1.5,\"d\":2.25,\"s\":\"x\",\"b\":true}", true),
                Arguments.of("  {\"i\" : -2147483648 , \"b\": false}  ", true),
                Arguments.of("{\"l\":9223372036854775807,\"d\":-0.0,\"f\":-0.0}", true),
                Arguments.of("{\"f\":3,\"d\":3,\"a_b\":\"y\"}", true),
                Arguments.of("{\"d\":1e400,\"s\":\"\\u00e9\\ud83d\\ude00 \\\"q\\\"\"}", true),
                Arguments.of("{\"s\":null,\"i\":null}", true),
                Arguments.of("{}", true),
                Arguments.of("{\"i\":2147483648}", false), // widen to long
                Arguments.of("{\"i\":1.5}", false),
                Arguments.of("{\"l\":9223372036854775808}", false),
                Arguments.of("{\"l\":1.0}", false),
                Arguments.of("{\"f\":0.1}", false), // widen to double
                Arguments.of("{\"d\":9007199254740993}", false),
                Arguments.of("{\"d\":9223372036854775807}", false),
                Arguments.of("{\"s\":1}", false),
                Arguments.of("{\"b\":\"true\"}", false),
                Arguments.of("{\"i\":1,\"s\":2}", false), // a value already set must be taken back
                Arguments.of("{\"i\":1,\"i\":2}", false),
                Arguments.of("{\"i\":null,\"i\":1}", false),
                Arguments.of("{\"unknown\":1}", false),
                Arguments.of("{\"unknown\":null}", false),
                Arguments.of("{\"topic\":\"x\"}", false),
                Arguments.of("{\"st\":{\"x\":1}}", false),
                Arguments.of("{\"arr\":[1,2]}", false),
                Arguments.of("{\"a.b\":\"x\"}", false),
                Arguments.of("{\"\":1}", false),
                Arguments.of("{\"i\":1} x", false),
                Arguments.of("{\"i\":1}{\"i\":2}", false),
                Arguments.of("{\"i\":1,}", false),
                Arguments.of("{\"d\":NaN}", false),
                Arguments.of("{\"i\":", false),
                Arguments.of("[1,2]", false),
                Arguments.of("7", false),
                Arguments.of("\"s\"", false),
                Arguments.of("   ", false),
                Arguments.of("not json", false));
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void acceptsOnlyWhatTheFullPathFillsTheSameWay(String payload, boolean fast) {
        for (String prefix : List.of("", "p_")) {
            Schema schema = schema(prefix);
            GenericRecord fastRow = GenericRecord.create(schema);

            boolean accepted = new FlatJsonColumns()
                    .fill(bytes(payload), new FlatJsonColumns.Slots(schema, prefix, RESERVED), fastRow);

            assertThat(accepted).as("fast path takes %s", payload).isEqualTo(fast);
            if (accepted) {
                assertThat(fastRow).isEqualTo(fullPath(payload, schema, prefix));
            } else {
                assertThat(fastRow).isEqualTo(GenericRecord.create(schema));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void oneInstanceServesRecordAfterRecord(String payload, boolean fast) {
        Schema schema = schema("");
        FlatJsonColumns.Slots slots = new FlatJsonColumns.Slots(schema, "", RESERVED);
        FlatJsonColumns columns = new FlatJsonColumns();
        String first = "{\"i\":7,\"s\":\"a\"}";
        assertThat(columns.fill(bytes(first), slots, GenericRecord.create(schema)))
                .isTrue();

        // The marks of the first record must not look like duplicates, nor hide one, in the next.
        assertThat(columns.fill(bytes(payload), slots, GenericRecord.create(schema)))
                .isEqualTo(fast);
        assertThat(columns.fill(bytes(first), slots, GenericRecord.create(schema)))
                .isTrue();
    }

    /** The row the full path fills, or null when it needs a schema change, rejects the payload or cannot parse it. */
    private static GenericRecord fullPath(String payload, Schema schema, String prefix) {
        GenericRecord row = GenericRecord.create(schema);
        JsonNode tree;
        try {
            tree = RowConverter.strictJson().readTree(bytes(payload));
        } catch (java.io.IOException e) {
            return null;
        }
        if (tree == null || !tree.isObject()) {
            return null;
        }
        SchemaPlan.Builder plan = new SchemaPlan.Builder();
        try {
            new PayloadColumns(prefix, RESERVED, false).fill(tree, schema.asStruct(), row, plan);
        } catch (RowRejection rejected) {
            return null;
        }
        return plan.isEmpty() ? row : null;
    }

    private static Schema schema(String prefix) {
        List<NestedField> columns = new ArrayList<>();
        int id = 0;
        columns.add(NestedField.required(++id, "topic", Types.StringType.get()));
        columns.add(NestedField.optional(++id, "i", Types.StringType.get())); // not a payload column when prefixed
        columns.add(NestedField.optional(++id, prefix + "i", Types.IntegerType.get()));
        columns.add(NestedField.optional(++id, prefix + "l", Types.LongType.get()));
        columns.add(NestedField.optional(++id, prefix + "f", Types.FloatType.get()));
        columns.add(NestedField.optional(++id, prefix + "d", Types.DoubleType.get()));
        columns.add(NestedField.optional(++id, prefix + "s", Types.StringType.get()));
        columns.add(NestedField.optional(++id, prefix + "b", Types.BooleanType.get()));
        columns.add(NestedField.optional(++id, prefix + "a_b", Types.StringType.get()));
        columns.add(NestedField.optional(
                ++id, prefix + "st", Types.StructType.of(NestedField.optional(++id, "x", Types.LongType.get()))));
        columns.add(NestedField.optional(++id, prefix + "arr", Types.ListType.ofOptional(++id, Types.LongType.get())));
        if (prefix.isEmpty()) {
            columns.remove(1); // "i" is the payload column itself
        }
        return new Schema(columns);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
