/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.types.Type;
import org.apache.parquet.column.ColumnWriteStore;
import org.jspecify.annotations.Nullable;

/**
 * Hands Iceberg's Parquet row writer the top-level string columns of each row as UTF-8 bytes ({@link Utf8}), made
 * once per distinct short string, instead of {@code String}s.
 *
 * <p>Why: for a {@code String}, Iceberg's string writer encodes it to UTF-8 and wraps the bytes in a {@code
 * ByteBuffer}-backed Parquet {@code Binary} for every value; the page writer and the column statistics (minimum and
 * maximum, compared byte by byte through the buffer) then work on that buffer. That was about half of the writer
 * thread's time: a row has nine string columns (topic, its levels, client id, Kafka topic, payload text fields),
 * and most of them repeat from row to row. For a {@link Utf8} it writes the array as it is (an array-backed {@code
 * Binary}, which Parquet copies before keeping, as it does for any reused bytes); Iceberg takes {@code Utf8} values
 * as strings anywhere, as it reads them from Avro.
 *
 * <p>Values are not changed, nor is the row: its strings are replaced in a copy, by their exact UTF-8 bytes; other columns, nested strings and
 * nulls pass through. Short strings (the topic and its levels, ids) are kept in a small direct-mapped cache by
 * content, so a repeated one is encoded once; long ones are encoded each time.
 *
 * <p>One instance per data file, on the writer thread: not thread-safe.
 */
final class Utf8StringsWriter implements ParquetValueWriter<Record> {
    private static final int SLOTS = 512;
    /** Longer strings (a payload's free text) rarely repeat exactly: comparing them would cost what encoding does. */
    static final int CACHED_MAX_LENGTH = 64;

    private final ParquetValueWriter<Record> rows;
    private final int[] stringPositions;
    private final String[] cachedStrings = new String[SLOTS];
    private final Utf8[] cachedBytes = new Utf8[SLOTS];
    private @Nullable GenericRecord encoded;

    private Utf8StringsWriter(ParquetValueWriter<Record> rows, int[] stringPositions) {
        this.rows = rows;
        this.stringPositions = stringPositions;
    }

    /** {@code rows} with the top-level string columns of {@code schema} as {@link Utf8}; as is when it has none. */
    static ParquetValueWriter<?> wrap(ParquetValueWriter<?> rows, Schema schema) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < schema.columns().size(); i++) {
            if (schema.columns().get(i).type().typeId() == Type.TypeID.STRING) {
                positions.add(i);
            }
        }
        if (positions.isEmpty()) {
            return rows;
        }
        @SuppressWarnings("unchecked")
        ParquetValueWriter<Record> recordRows = (ParquetValueWriter<Record>) rows;
        return new Utf8StringsWriter(
                recordRows, positions.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public void write(int repetitionLevel, Record row) {
        // A shallow copy into a row kept for the next one: Record.copy() would copy every binary value too, and
        // the values are encoded (or copied by Parquet) before write returns.
        if (encoded == null || encoded.struct() != row.struct()) {
            encoded = GenericRecord.create(row.struct());
        }
        for (int i = 0; i < row.size(); i++) {
            encoded.set(i, row.get(i));
        }
        for (int position : stringPositions) {
            if (row.get(position) instanceof String text) {
                encoded.set(position, utf8(text));
            }
        }
        rows.write(repetitionLevel, encoded);
    }

    Utf8 utf8(String text) {
        if (text.length() > CACHED_MAX_LENGTH) {
            return new Utf8(text);
        }
        int slot = text.hashCode() & (SLOTS - 1);
        String cached = cachedStrings[slot];
        if (cached != null && (cached == text || cached.equals(text))) {
            return cachedBytes[slot];
        }
        Utf8 bytes = new Utf8(text);
        cachedStrings[slot] = text;
        cachedBytes[slot] = bytes;
        return bytes;
    }

    @Override
    public List<TripleWriter<?>> columns() {
        return rows.columns();
    }

    @Override
    public void setColumnStore(ColumnWriteStore columnStore) {
        rows.setColumnStore(columnStore);
    }

    @Override
    public Stream<FieldMetrics<?>> metrics() {
        return rows.metrics();
    }
}
