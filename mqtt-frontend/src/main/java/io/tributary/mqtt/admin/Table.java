/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the admin CLI prints for people: a header line and one line per row, columns aligned and two spaces apart,
 * the last column not padded (no trailing blanks to trip over in a terminal or a diff). A missing value prints as
 * {@code -}; an empty table prints its header and {@code (none)}, so "nothing there" never looks like a failure.
 */
final class Table {

    private static final String MISSING = "-";

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    /** Adds a row; one cell per header, {@code null} shown as {@code -}. */
    Table row(@Nullable Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    "a row of " + cells.length + " cells for " + headers.size() + " columns " + headers);
        }
        rows.add(Arrays.stream(cells)
                .map(c -> c == null || c.toString().isEmpty() ? MISSING : c.toString())
                .toList());
        return this;
    }

    int size() {
        return rows.size();
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        out.println(line(headers, widths));
        for (List<String> r : rows) {
            out.println(line(r, widths));
        }
        if (rows.isEmpty()) {
            out.println("(none)");
        }
        out.flush();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            b.append(cell);
            if (i < cells.size() - 1) {
                b.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        return b.toString();
    }
}
