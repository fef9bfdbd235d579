/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class PartitionSpecsTest {
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "ts", Types.TimestampType.withZone()),
            Types.NestedField.optional(2, "site", Types.StringType.get()),
            Types.NestedField.optional(3, "device", Types.StringType.get()),
            Types.NestedField.optional(4, "x", Types.StringType.get()),
            Types.NestedField.optional(5, "temperature", Types.DoubleType.get()),
            Types.NestedField.optional(
                    6, "payload", Types.StructType.of(Types.NestedField.optional(7, "zone", Types.StringType.get()))));

    @Test
    void everyTransformOfTheDocumentedExample() {
        PartitionSpec spec =
                PartitionSpecs.parse(SCHEMA, "day(ts), identity(site), bucket(16, device), truncate(4, x)");

        assertThat(spec.fields())
                .extracting(PartitionField::name, field -> field.transform().toString())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ts_day", "day"),
                        org.assertj.core.groups.Tuple.tuple("site", "identity"),
                        org.assertj.core.groups.Tuple.tuple("device_bucket", "bucket[16]"),
                        org.assertj.core.groups.Tuple.tuple("x_trunc", "truncate[4]"));
    }

    @Test
    void hourMonthYearBareColumnsNestedColumnsAndSparkPlurals() {
        assertThat(PartitionSpecs.parse(SCHEMA, "hour(ts)")
                        .fields()
                        .get(0)
                        .transform()
                        .toString())
                .isEqualTo("hour");
        assertThat(PartitionSpecs.parse(SCHEMA, "month(ts)")
                        .fields()
                        .get(0)
                        .transform()
                        .toString())
                .isEqualTo("month");
        assertThat(PartitionSpecs.parse(SCHEMA, "YEAR(ts)")
                        .fields()
                        .get(0)
                        .transform()
                        .toString())
                .isEqualTo("year");
        assertThat(PartitionSpecs.parse(SCHEMA, "days(ts)")
                        .fields()
                        .get(0)
                        .transform()
                        .toString())
                .isEqualTo("day");
        assertThat(PartitionSpecs.parse(SCHEMA, "site, payload.zone").fields())
                .extracting(PartitionField::sourceId)
                .containsExactly(2, 7);
    }

    @Test
    void blankMeansUnpartitioned() {
        assertThat(PartitionSpecs.parse(SCHEMA, " ").isUnpartitioned()).isTrue();
    }

    @Test
    void errorsNameTheBadTerm() {
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "day(ts), week(ts)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'week(ts)'")
                .hasMessageContaining("unknown transform 'week'");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "bucket(device)"))
                .hasMessageContaining("'bucket(device)'")
                .hasMessageContaining("takes a width and a column");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "bucket(0, device)"))
                .hasMessageContaining("'0' is not a positive whole number");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "truncate(four, x)"))
                .hasMessageContaining("'truncate(four, x)'");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "day(ts, site)"))
                .hasMessageContaining("day takes one column");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "day(ts), , site"))
                .hasMessageContaining("empty partition term");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "day(ts")).hasMessageContaining("unbalanced '('");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "identity(site-id)"))
                .hasMessageContaining("'site-id' is not a column name");
    }

    @Test
    void errorsAgainstTheSchemaNameTheTermAndColumn() {
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "identity(region)"))
                .hasMessageContaining("'identity(region)'")
                .hasMessageContaining("column 'region' is not in the table's schema");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "day(site)"))
                .hasMessageContaining("'day(site)'")
                .hasMessageContaining("type string");
        assertThatThrownBy(() -> PartitionSpecs.parse(SCHEMA, "day(ts), hour(ts)"))
                .hasMessageContaining("'hour(ts)'");
    }
}
