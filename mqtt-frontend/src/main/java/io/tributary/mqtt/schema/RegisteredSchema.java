/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One schema as the registry holds it.
 *
 * @param id the registry's global id, the one the wire format's prefix carries
 * @param subject null when looked up by id (the registry does not say which subjects use it)
 * @param version the subject's version, -1 when looked up by id
 * @param references the other schemas it uses (Avro named types, JSON Schema {@code $ref}s, Protobuf imports)
 */
public record RegisteredSchema(
        int id,
        @Nullable String subject,
        int version,
        SchemaFormat format,
        String text,
        List<SchemaReference> references) {

    public RegisteredSchema {
        references = List.copyOf(references);
    }

    /** A schema that references no other. */
    public RegisteredSchema(int id, @Nullable String subject, int version, SchemaFormat format, String text) {
        this(id, subject, version, format, text, List.of());
    }
}
