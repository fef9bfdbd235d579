/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The kinds of schema a Confluent-compatible registry holds, by its {@code schemaType}. */
public enum SchemaFormat {
    JSON,
    AVRO,
    PROTOBUF;

    /** Parses a binding's format ({@code json}, {@code avro}, {@code protobuf}). */
    public static SchemaFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown schema format '" + text + "': json, avro or protobuf", e);
        }
    }

    /** The format of a registry's {@code schemaType}; the registry leaves it out for Avro, its first format. */
    public static SchemaFormat ofRegistryType(@Nullable String schemaType) {
        return schemaType == null || schemaType.isEmpty() ? AVRO : valueOf(schemaType.toUpperCase(Locale.ROOT));
    }

    /** The registry's {@code schemaType} for this format. */
    public String registryType() {
        return name();
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
