/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * The fast path for the payload of most records: a flat JSON object whose every field already has a column of
 * its type, read field by field from Jackson's streaming parser straight into the row, with no tree and no
 * per-record type lookups. It accepts a payload only when it is sure of the outcome; anything else (a field
 * without a column, a value that needs a schema change or gets the record rejected, a nested object or array, a
 * duplicate field, malformed JSON) makes it give up and leave the row as it found it, and the caller converts the
 * payload the full way ({@link PayloadColumns}), which yields the same values for what this path accepts (checked
 * by FlatJsonColumnsTest) and the schema plan or the reason for the rest.
 *
 * <p>One instance per converter: not thread-safe.
 */
final class FlatJsonColumns {

    /** What Iceberg type a column has, for the scalar types this path fills. */
    enum Kind {
        BOOLEAN,
        STRING,
        INTEGER,
        LONG,
        FLOAT,
        DOUBLE
    }

    /** A payload column this path can fill: its position in the row and its kind. */
    static final class Slot {
        final int index;
        final int position;
        final Kind kind;

        Slot(int index, int position, Kind kind) {
            this.index = index;
            this.position = position;
            this.kind = kind;
        }
    }

    /**
     * The slots of one table schema, by JSON field name: the top-level columns named {@code prefix + field} with a
     * scalar type, except the MQTT columns (a payload field may not take those: the full path says why).
     */
    static final class Slots {
        private final Map<String, Slot> byField;
        private final Slot[] all;

        Slots(Schema schema, String prefix, Set<String> reservedColumns) {
            Map<String, Slot> slots = new HashMap<>();
            List<NestedField> columns = schema.columns();
            for (int position = 0; position < columns.size(); position++) {
                NestedField column = columns.get(position);
                Kind kind = kindOf(column);
                String name = column.name();
                if (kind == null || reservedColumns.contains(name) || !name.startsWith(prefix)) {
                    continue;
                }
                String field = name.substring(prefix.length());
                // A JSON field with '.' is renamed by the full path; an empty one is refused there.
                if (!field.isEmpty() && field.indexOf('.') < 0) {
                    slots.put(field, new Slot(slots.size(), position, kind));
                }
            }
            this.byField = Map.copyOf(slots);
            this.all = slots.values().toArray(Slot[]::new);
        }

        private static @Nullable Kind kindOf(NestedField column) {
            return switch (column.type().typeId()) {
                case BOOLEAN -> Kind.BOOLEAN;
                case STRING -> Kind.STRING;
                case INTEGER -> Kind.INTEGER;
                case LONG -> Kind.LONG;
                case FLOAT -> Kind.FLOAT;
                case DOUBLE -> Kind.DOUBLE;
                default -> null; // structs, lists and the rest: the full path
            };
        }
    }

    private final JsonFactory factory;
    /** Per slot index, the number of the record that last set it: finds duplicates without clearing a set. */
    private int[] seenIn = new int[0];

    private int record;

    FlatJsonColumns() {
        // As the full path's parser, minus its duplicate detection (the slots find duplicates here).
        this.factory = JsonFactory.builder()
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxDocumentLength(-1)
                        .build())
                .recyclerPool(new OneRecyclerPool())
                // Correctly rounded as Double.parseDouble (so the same value as the full path), in a fraction of
                // its time: parsing the fractions showed in profiles.
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .build();
    }

    /**
     * Jackson's parser buffers, kept for the next record: this path has one thread, so the default pool's
     * thread-local look-up, which showed in profiles at one per record, is not needed.
     */
    private static final class OneRecyclerPool implements RecyclerPool<BufferRecycler> {
        private static final long serialVersionUID = 1L;
        private transient @Nullable BufferRecycler idle;

        @Override
        public BufferRecycler acquirePooled() {
            BufferRecycler recycler = idle;
            idle = null;
            return recycler != null ? recycler : new BufferRecycler();
        }

        @Override
        public void releasePooled(BufferRecycler recycler) {
            idle = recycler;
        }
    }

    /**
     * Fills the payload columns of {@code row} from {@code payload}; returns false, with {@code row}'s payload
     * columns left as they were (null), when the payload needs the full path.
     */
    boolean fill(byte[] payload, Slots slots, GenericRecord row) {
        if (seenIn.length < slots.all.length) {
            seenIn = new int[slots.all.length];
        }
        int current = ++record;
        if (current == 0) { // wrapped around: old marks could look current
            Arrays.fill(seenIn, 0);
            current = ++record;
        }
        boolean filled;
        try (JsonParser parser = factory.createParser(payload)) {
            filled = readObject(parser, slots, row, current) && parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            filled = false; // the full path parses it again and says what is wrong
        }
        if (!filled) {
            for (Slot slot : slots.all) {
                if (seenIn[slot.index] == current) {
                    row.set(slot.position, null);
                }
            }
        }
        return filled;
    }

    private boolean readObject(JsonParser parser, Slots slots, GenericRecord row, int current) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            Slot slot = slots.byField.get(parser.currentName());
            if (slot == null || seenIn[slot.index] == current) {
                return false;
            }
            seenIn[slot.index] = current;
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            Object converted = read(parser, value, slot.kind);
            if (converted == null) {
                return false;
            }
            row.set(slot.position, converted);
        }
        return token == JsonToken.END_OBJECT;
    }

    /** The value for a column of {@code kind}, or null when it does not fit as it is (the full path decides). */
    private static @Nullable Object read(JsonParser parser, JsonToken value, Kind kind) throws IOException {
        return switch (kind) {
            case BOOLEAN ->
                value == JsonToken.VALUE_TRUE ? Boolean.TRUE : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
            case STRING -> value == JsonToken.VALUE_STRING ? parser.getText() : null;
            case INTEGER ->
                value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT
                        ? parser.getIntValue()
                        : null;
            case LONG -> isLong(parser, value) ? parser.getLongValue() : null;
            case FLOAT -> {
                Double exact = exactDouble(parser, value);
                if (exact == null) {
                    yield null;
                }
                float narrow = exact.floatValue();
                yield narrow == exact ? narrow : null;
            }
            case DOUBLE -> exactDouble(parser, value);
        };
    }

    private static boolean isLong(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            return false;
        }
        JsonParser.NumberType type = parser.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }

    /** A fraction as parsed; an integer when a double holds it exactly (as the full path's toDouble). */
    private static @Nullable Double exactDouble(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDoubleValue();
        }
        if (!isLong(parser, value)) {
            return null;
        }
        long integer = parser.getLongValue();
        double converted = (double) integer;
        return (long) converted != integer || integer == Long.MAX_VALUE ? null : converted;
    }
}
