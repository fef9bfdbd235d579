/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

import java.util.List;
import java.util.Objects;

/**
 * One schema as the registry holds it under an id.
 *
 * @param id     the id the Confluent wire format carries after the magic byte
 * @param format its schema type
 * @param text   the schema itself: Avro's JSON declaration, or the JSON Schema document
 * @param references the schemas it refers to by name (Confluent's schema references), directly and through each
 *     other, each before those that refer to it, so an Avro parser that reads them in this order knows every name
 *     when it meets it, and a {@code .proto} file is compiled after its imports
 */
public record RegisteredSchema(int id, Format format, String text, List<Reference> references) {

    /**
     * A schema another one refers to.
     *
     * @param name how the referring schema names it: an Avro type's full name, a JSON Schema {@code $ref}, or a
     *     Protobuf import path
     * @param text the referenced schema itself
     */
    public record Reference(String name, String text) {
        public Reference {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(text, "text");
        }
    }

    /** The registry's {@code schemaType}; absent means Avro. */
    public enum Format {
        AVRO,
        JSON,
        PROTOBUF;

        static Format ofRegistryType(String schemaType) {
            return switch (schemaType) {
                case "", "AVRO" -> AVRO;
                case "JSON" -> JSON;
                case "PROTOBUF" -> PROTOBUF;
                default -> throw new IllegalArgumentException("unknown schema type '" + schemaType + "'");
            };
        }
    }

    public RegisteredSchema {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(text, "text");
        references = List.copyOf(references);
    }

    /** A schema without references. */
    public RegisteredSchema(int id, Format format, String text) {
        this(id, format, text, List.of());
    }
}
