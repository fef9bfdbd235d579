/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import java.util.List;
import java.util.Objects;

/**
 * The type of a payload column as a registered schema describes it, before any lake format: the Iceberg sink
 * maps it to Iceberg's types, the tiering writers to an Avro schema for their Parquet and Avro files. Every column
 * is nullable there: an older or newer version of the subject may lack the field.
 *
 * <p>The values {@link PayloadColumns#decode} gives, by type: {@link Scalar#BOOLEAN} Boolean, {@link Scalar#INT}
 * Integer, {@link Scalar#LONG} Long, {@link Scalar#FLOAT} Float, {@link Scalar#DOUBLE} Double, {@link
 * Scalar#STRING} String, {@link Scalar#BINARY} a ByteBuffer of its own, {@link Scalar#DATE} LocalDate, {@link
 * Scalar#TIME} LocalTime, {@link Scalar#TIMESTAMP} Instant, {@link Scalar#UUID} UUID, {@link Struct} a List of its
 * fields' values in field order, {@link ListOf} a List, {@link MapOf} a Map; null for no value.
 */
public sealed interface ColumnType permits ColumnType.Scalar, ColumnType.Struct, ColumnType.ListOf, ColumnType.MapOf {

    /** A type without parts. */
    enum Scalar implements ColumnType {
        BOOLEAN,
        INT,
        LONG,
        FLOAT,
        DOUBLE,
        STRING,
        BINARY,
        DATE,
        /** A time of day. */
        TIME,
        /** An instant (a timestamp with a time zone, kept in UTC). */
        TIMESTAMP,
        UUID
    }

    /** Named fields, at least one. */
    record Struct(List<Column> fields) implements ColumnType {
        public Struct {
            fields = List.copyOf(fields);
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("a struct column has at least one field");
            }
        }
    }

    record ListOf(ColumnType element) implements ColumnType {
        public ListOf {
            Objects.requireNonNull(element, "element");
        }
    }

    /** Keys are a {@link Scalar}: strings from JSON Schema, any scalar a Protobuf map key may be. */
    record MapOf(ColumnType key, ColumnType value) implements ColumnType {
        public MapOf {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * One field of a struct.
     *
     * @param name the field's name in the schema, as it is: each lake format makes it a column name of its own
     */
    record Column(String name, ColumnType type) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }
}
