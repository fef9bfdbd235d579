/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.types.Type;
import org.jspecify.annotations.Nullable;

/**
 * The schema changes a record needs before it fits the table: new optional columns and type widenings that
 * Iceberg allows ({@code int -> long}, {@code float -> double}). The caller applies them in one schema commit,
 * refreshes the table and converts the record again:
 *
 * <pre>{@code
 * if (conversion instanceof SchemaPlan plan) {
 *     plan.applyTo(table.updateSchema()).commit();
 *     table.refresh();
 *     conversion = converter.convert(input, table.schema());
 * }
 * }</pre>
 *
 * Applying a plan twice, or after another writer applied it, fails in Iceberg ("column already exists"):
 * refresh and convert again, and the record may then need no plan at all.
 */
public final class SchemaPlan implements Conversion {

    private final List<SchemaChange> changes;

    SchemaPlan(List<SchemaChange> changes) {
        this.changes = List.copyOf(changes);
    }

    /** One change of the plan. Paths are Iceberg's dotted names ({@code reading.unit}, {@code tags.element}). */
    public sealed interface SchemaChange permits AddColumn, WidenColumn {
        /** The dotted name of the column this change creates or changes. */
        String path();
    }

    /** A new optional column {@code name} in the struct at {@code parent} (null: a top-level column). */
    public record AddColumn(@Nullable String parent, String name, Type type) implements SchemaChange {
        public AddColumn {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }

        @Override
        public String path() {
            return parent == null ? name : parent + "." + name;
        }
    }

    /** A primitive column promoted to a wider type ({@code int -> long}, {@code float -> double}). */
    public record WidenColumn(String path, Type.PrimitiveType to) implements SchemaChange {
        public WidenColumn {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(to, "to");
        }
    }

    public List<SchemaChange> changes() {
        return changes;
    }

    /** Adds this plan's changes to {@code update}, which the caller commits. */
    public UpdateSchema applyTo(UpdateSchema update) {
        for (SchemaChange change : changes) {
            if (change instanceof AddColumn add) {
                if (add.parent() == null) {
                    update.addColumn(add.name(), add.type());
                } else {
                    update.addColumn(add.parent(), add.name(), add.type());
                }
            } else if (change instanceof WidenColumn widen) {
                update.updateColumn(widen.path(), widen.to());
            }
        }
        return update;
    }

    @Override
    public String toString() {
        return changes.stream()
                .map(change -> change instanceof AddColumn add
                        ? "add " + add.path() + " " + add.type()
                        : "widen " + change.path() + " to " + ((WidenColumn) change).to())
                .collect(Collectors.joining(", ", "SchemaPlan[", "]"));
    }

    /** Collects changes while a record is walked; the first change for a path wins (converting again settles the rest). */
    static final class Builder {
        // Created on the first change: most records need none.
        private @Nullable Map<String, SchemaChange> byPath;

        void add(SchemaChange change) {
            if (byPath == null) {
                byPath = new LinkedHashMap<>();
            }
            byPath.putIfAbsent(change.path(), change);
        }

        boolean isEmpty() {
            return byPath == null;
        }

        SchemaPlan build() {
            return new SchemaPlan(byPath == null ? List.of() : new ArrayList<>(byPath.values()));
        }
    }
}
