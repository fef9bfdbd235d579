/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.junit.jupiter.api.Test;

/** The arithmetic partition values must be exactly Iceberg's, edge cases included. */
class RowPartitionerTest {
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.optional(1, "ts", Types.TimestampType.withZone()),
            Types.NestedField.optional(2, "site", Types.StringType.get()),
            Types.NestedField.optional(3, "n", Types.IntegerType.get()),
            Types.NestedField.optional(4, "l", Types.LongType.get()),
            Types.NestedField.optional(5, "b", Types.BooleanType.get()),
            Types.NestedField.optional(6, "local", Types.TimestampType.withoutZone()));

    @Test
    void dayAndSiteMatchIceberg() {
        PartitionSpec spec =
                PartitionSpec.builderFor(SCHEMA).day("ts").identity("site").build();
        assertThat(new RowPartitioner(spec, SCHEMA).isFast()).isTrue();
        assertSameAsIceberg(spec);
    }

    @Test
    void hourAndScalarIdentitiesMatchIceberg() {
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA)
                .hour("ts")
                .identity("n")
                .identity("l")
                .identity("b")
                .build();
        assertThat(new RowPartitioner(spec, SCHEMA).isFast()).isTrue();
        assertSameAsIceberg(spec);
    }

    @Test
    void otherTransformsGoThroughIceberg() {
        List<PartitionSpec> specs = List.of(
                PartitionSpec.builderFor(SCHEMA).month("ts").identity("site").build(),
                PartitionSpec.builderFor(SCHEMA).year("ts").build(),
                PartitionSpec.builderFor(SCHEMA).day("ts").bucket("site", 16).build(),
                PartitionSpec.builderFor(SCHEMA).truncate("site", 3).build(),
                PartitionSpec.builderFor(SCHEMA).day("local").build(),
                PartitionSpec.builderFor(SCHEMA).identity("ts").build());
        for (PartitionSpec spec : specs) {
            assertThat(new RowPartitioner(spec, SCHEMA).isFast())
                    .as(spec.toString())
                    .isFalse();
            assertSameAsIceberg(spec);
        }
    }

    @Test
    void microsAreIcebergsMicros() {
        RowPartitioner partitioner =
                new RowPartitioner(PartitionSpec.builderFor(SCHEMA).day("ts").build(), SCHEMA);
        for (OffsetDateTime time : times()) {
            if (time != null) {
                assertThat(partitioner.micros(time))
                        .as(time.toString())
                        .isEqualTo(DateTimeUtil.microsFromTimestamptz(time));
            }
        }
    }

    private static void assertSameAsIceberg(PartitionSpec spec) {
        RowPartitioner partitioner = new RowPartitioner(spec, SCHEMA);
        PartitionKey expected = new PartitionKey(spec, SCHEMA);
        InternalRecordWrapper internal = new InternalRecordWrapper(SCHEMA.asStruct());
        List<Record> rows = rows();
        for (Record row : rows) {
            expected.partition(internal.wrap(row));
            PartitionKey actual = partitioner.partition(row);
            assertThat(actual).as("%s of %s", spec, row).isEqualTo(expected);
            assertThat(actual.toPath()).isEqualTo(expected.toPath());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i, Object.class)).isEqualTo(expected.get(i, Object.class));
            }
        }
    }

    private static List<OffsetDateTime> times() {
        List<OffsetDateTime> times = new ArrayList<>();
        long[] seconds = {0, -1, 1, 86_400, -86_400, -86_399, -86_401, 3_600, -3_600, 1_764_892_800L, -2_208_988_800L};
        long[] nanos = {0, 1, 999, 1_000, 999_999, 1_000_000, 999_999_999};
        for (long second : seconds) {
            for (long nano : nanos) {
                Instant instant = Instant.ofEpochSecond(second, nano);
                times.add(instant.atOffset(ZoneOffset.UTC));
                times.add(instant.atOffset(ZoneOffset.ofHoursMinutes(5, 30)));
                times.add(instant.atOffset(ZoneOffset.ofHours(-8)));
                times.add(instant.minusNanos(1).atOffset(ZoneOffset.UTC));
            }
        }
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            long millis = random.nextLong() % 20_000_000_000_000L; // about ±630 years around 1970
            times.add(Instant.ofEpochMilli(millis)
                    .plusNanos(random.nextInt(1_000_000))
                    .atOffset(ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 3600, 18 * 3600))));
        }
        times.add(null);
        return times;
    }

    private static List<Record> rows() {
        List<Record> rows = new ArrayList<>();
        int i = 0;
        for (OffsetDateTime time : times()) {
            GenericRecord row = GenericRecord.create(SCHEMA);
            row.setField("ts", time);
            row.setField("site", i % 7 == 0 ? null : "site-" + (i % 5));
            row.setField("n", i % 11 == 0 ? null : i - 50);
            row.setField("l", i % 13 == 0 ? null : (long) i * -1_000_000_007L);
            row.setField("b", i % 3 == 0 ? null : i % 2 == 0);
            row.setField("local", time == null ? null : time.toLocalDateTime());
            rows.add(row);
            i++;
        }
        return rows;
    }
}
