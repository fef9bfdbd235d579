/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Partition specs written the way Spark's {@code PARTITIONED BY} writes them: {@code day(ts), identity(site),
 * bucket(16, device), truncate(4, name), hour(ts), month(ts), year(ts)}; a bare column name means identity.
 * Every error names the term it is about.
 */
public final class PartitionSpecs {
    /** The transforms, by name; Spark's plural spellings (days, hours...) are accepted too. */
    public enum Transform {
        IDENTITY,
        YEAR,
        MONTH,
        DAY,
        HOUR,
        BUCKET,
        TRUNCATE;

        boolean takesWidth() {
            return this == BUCKET || this == TRUNCATE;
        }
    }

    /**
     * One term of a spec.
     *
     * @param width the bucket count or truncation width; 0 for the other transforms
     */
    public record Term(String text, Transform transform, String column, int width) {}

    private static final Map<String, Transform> PLURALS =
            Map.of("years", Transform.YEAR, "months", Transform.MONTH, "days", Transform.DAY, "hours", Transform.HOUR);
    private static final Pattern CALL = Pattern.compile("([A-Za-z_]+)\\s*\\((.*)\\)");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private PartitionSpecs() {}

    /**
     * The spec for a table of this schema; blank text means unpartitioned.
     *
     * @throws IllegalArgumentException naming the bad term: unknown transform, bad width, unknown column, or a
     *     transform the column's type does not support
     */
    public static PartitionSpec parse(Schema schema, String text) {
        List<Term> terms = terms(text);
        if (terms.isEmpty()) {
            return PartitionSpec.unpartitioned();
        }
        PartitionSpec.Builder spec = PartitionSpec.builderFor(schema);
        for (Term term : terms) {
            Types.NestedField field = schema.findField(term.column());
            if (field == null) {
                throw new IllegalArgumentException("partition term '" + term.text() + "': column '" + term.column()
                        + "' is not in the table's schema");
            }
            try {
                // Iceberg checks the column's type only in build(): build each term alone to tell which is bad.
                PartitionSpec.Builder alone = PartitionSpec.builderFor(schema);
                apply(alone, term);
                alone.build();
                apply(spec, term);
            } catch (RuntimeException e) {
                // Iceberg's ValidationException for a type the transform cannot take, or a redundant term.
                throw new IllegalArgumentException(
                        "partition term '" + term.text() + "' on column '" + term.column() + "' of type " + field.type()
                                + ": " + e.getMessage(),
                        e);
            }
        }
        return spec.build();
    }

    private static void apply(PartitionSpec.Builder spec, Term term) {
        switch (term.transform()) {
            case IDENTITY -> spec.identity(term.column());
            case YEAR -> spec.year(term.column());
            case MONTH -> spec.month(term.column());
            case DAY -> spec.day(term.column());
            case HOUR -> spec.hour(term.column());
            case BUCKET -> spec.bucket(term.column(), term.width());
            case TRUNCATE -> spec.truncate(term.column(), term.width());
        }
    }

    /**
     * The terms of a spec, checked for syntax only (the columns are checked against a schema by {@link
     * #parse}), so a configuration can be validated before any table exists.
     *
     * @throws IllegalArgumentException naming the bad term
     */
    public static List<Term> terms(String text) {
        List<Term> terms = new ArrayList<>();
        for (String part : splitTopLevel(text)) {
            String term = part.trim();
            if (term.isEmpty()) {
                throw new IllegalArgumentException("empty partition term in '" + text + "'");
            }
            terms.add(term(term));
        }
        return terms;
    }

    private static Term term(String text) {
        Matcher call = CALL.matcher(text);
        if (!call.matches()) {
            return new Term(text, Transform.IDENTITY, column(text, text), 0);
        }
        Transform transform = transform(text, call.group(1));
        String[] arguments = call.group(2).split(",", -1);
        if (transform.takesWidth()) {
            if (arguments.length != 2) {
                throw new IllegalArgumentException("partition term '" + text + "': " + call.group(1)
                        + " takes a width and a column, e.g. " + call.group(1) + "(16, device)");
            }
            return new Term(text, transform, column(text, arguments[1]), width(text, arguments[0]));
        }
        if (arguments.length != 1) {
            throw new IllegalArgumentException(
                    "partition term '" + text + "': " + call.group(1) + " takes one column, e.g. day(ts)");
        }
        return new Term(text, transform, column(text, arguments[0]), 0);
    }

    private static Transform transform(String text, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (PLURALS.containsKey(lower)) {
            return PLURALS.get(lower);
        }
        for (Transform transform : Transform.values()) {
            if (transform.name().equalsIgnoreCase(lower)) {
                return transform;
            }
        }
        throw new IllegalArgumentException("partition term '" + text + "': unknown transform '" + name
                + "'; known: identity, year, month, day, hour, bucket, truncate");
    }

    private static String column(String text, String argument) {
        String column = argument.trim();
        if (!COLUMN.matcher(column).matches()) {
            throw new IllegalArgumentException("partition term '" + text + "': '" + column + "' is not a column name");
        }
        return column;
    }

    private static int width(String text, String argument) {
        try {
            int width = Integer.parseInt(argument.trim());
            if (width > 0) {
                return width;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "partition term '" + text + "': '" + argument.trim() + "' is not a positive whole number");
    }

    /** Splits on the commas between terms, not those inside a term's parentheses. */
    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        if (text.isBlank()) {
            return parts;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth < 0) {
                    throw new IllegalArgumentException("unbalanced ')' in partition spec '" + text + "'");
                }
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '(' in partition spec '" + text + "'");
        }
        parts.add(text.substring(start));
        return parts;
    }
}
