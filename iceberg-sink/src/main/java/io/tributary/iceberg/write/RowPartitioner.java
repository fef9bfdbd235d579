/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.jspecify.annotations.Nullable;

/**
 * Fills a row's {@link PartitionKey} with the values Iceberg's transforms give, the cheap way when it can.
 *
 * <p>Iceberg's own path converts every {@code timestamptz} value to micros with {@code ChronoUnit.MICROS.between}
 * and then, for {@code day(ts)} or {@code hour(ts)}, turns the micros back into an {@code OffsetDateTime} (a new
 * {@code ZoneRules} per value) to count the days: on the writer thread it was about a tenth of the encoding
 * time. For a spec whose every field is {@code identity} of a string, int, long or boolean column, or {@code day}
 * or {@code hour} of a {@code timestamptz} column, all top-level, this computes the same values from the row's
 * own values with integer arithmetic (floor division: Iceberg's transforms floor negative times too, so the
 * second before 1970 is day -1). Any other spec goes through Iceberg's {@code PartitionKey} unchanged.
 * RowPartitionerTest compares the two on edge cases (midnight, negative epochs, sub-micro nanos, offsets, nulls).
 *
 * <p>One instance per writer: not thread-safe.
 */
final class RowPartitioner {
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private enum Kind {
        IDENTITY,
        DAY,
        HOUR
    }

    private final PartitionKey key;
    /** Per partition field, the source column's position in the row; null when Iceberg's path is used. */
    private final int @Nullable [] positions;

    private final Kind @Nullable [] kinds;
    private final @Nullable InternalRecordWrapper internalValues;
    private @Nullable LocalDate lastDate;
    private long lastEpochDay;
    private @Nullable Integer lastBucket;

    RowPartitioner(PartitionSpec spec, Schema schema) {
        this.key = new PartitionKey(spec, schema);
        List<PartitionField> fields = spec.fields();
        List<Types.NestedField> columns = schema.columns();
        int[] fieldPositions = new int[fields.size()];
        Kind[] fieldKinds = new Kind[fields.size()];
        boolean fast = true;
        for (int i = 0; i < fields.size() && fast; i++) {
            PartitionField field = fields.get(i);
            Types.NestedField source = schema.findField(field.sourceId());
            int position = source == null ? -1 : columns.indexOf(source);
            Kind kind = source == null ? null : kindOf(field, source.type());
            fast = position >= 0 && kind != null;
            fieldPositions[i] = position;
            fieldKinds[i] = kind;
        }
        this.positions = fast ? fieldPositions : null;
        this.kinds = fast ? fieldKinds : null;
        this.internalValues = fast ? null : new InternalRecordWrapper(schema.asStruct());
    }

    private static @Nullable Kind kindOf(PartitionField field, Type sourceType) {
        String transform = field.transform().toString();
        return switch (sourceType.typeId()) {
            case STRING, INTEGER, LONG, BOOLEAN -> "identity".equals(transform) ? Kind.IDENTITY : null;
            case TIMESTAMP ->
                ((Types.TimestampType) sourceType).shouldAdjustToUTC()
                        ? switch (transform) {
                            case "day" -> Kind.DAY;
                            case "hour" -> Kind.HOUR;
                            default -> null;
                        }
                        : null;
            default -> null;
        };
    }

    /** Whether this spec takes the arithmetic path (for tests). */
    boolean isFast() {
        return positions != null;
    }

    /** The partition of {@code row}, in a key reused for the next row: copy it to keep it. */
    PartitionKey partition(Record row) {
        if (positions == null || kinds == null) {
            key.partition(internalValues.wrap(row));
            return key;
        }
        for (int i = 0; i < positions.length; i++) {
            Object value = row.get(positions[i]);
            key.set(i, value == null || kinds[i] == Kind.IDENTITY ? value : timeBucket(kinds[i], value));
        }
        return key;
    }

    private Integer timeBucket(Kind kind, Object value) {
        long micros = micros((OffsetDateTime) value);
        int bucket = (int) Math.floorDiv(micros, kind == Kind.DAY ? MICROS_PER_DAY : MICROS_PER_HOUR);
        // Rows come mostly from the same day or hour: box it once rather than once per row.
        if (lastBucket == null || lastBucket != bucket) {
            lastBucket = bucket;
        }
        return lastBucket;
    }

    /**
     * As Iceberg's {@code DateTimeUtil.microsFromTimestamptz} ({@code ChronoUnit.MICROS.between(EPOCH, time)}):
     * whole micros, truncated toward zero, so a time before 1970 with a fraction of a micro rounds up.
     */
    long micros(OffsetDateTime time) {
        long seconds = epochSecond(time);
        int nanos = time.getNano();
        long micros = Math.addExact(Math.multiplyExact(seconds, MICROS_PER_SECOND), nanos / 1000);
        return seconds < 0 && nanos % 1000 != 0 ? micros + 1 : micros;
    }

    /**
     * {@link OffsetDateTime#toEpochSecond()}, with the day's epoch number kept from the previous row: rows come
     * mostly from the same day, and the calendar arithmetic of {@code toEpochDay} showed in profiles.
     */
    private long epochSecond(OffsetDateTime time) {
        LocalDate date = time.toLocalDate();
        if (!date.equals(lastDate)) {
            lastDate = date;
            lastEpochDay = date.toEpochDay();
        }
        return lastEpochDay * 86_400L
                + time.toLocalTime().toSecondOfDay()
                - time.getOffset().getTotalSeconds();
    }
}
