/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import org.jspecify.annotations.Nullable;

/**
 * One schema as the registry holds it.
 *
 * @param id the registry's global id, the one the wire format's prefix carries
 * @param subject null when looked up by id (the registry does not say which subjects use it)
 * @param version the subject's version, -1 when looked up by id
 */
public record RegisteredSchema(int id, @Nullable String subject, int version, SchemaFormat format, String text) {}
