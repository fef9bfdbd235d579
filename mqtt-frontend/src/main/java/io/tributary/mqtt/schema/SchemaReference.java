/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

/**
 * A schema's reference to another version of a subject, as the Confluent API lists it.
 *
 * @param name how the referencing schema names it: the Avro type's full name, the JSON Schema {@code $ref}, or
 *     the Protobuf import path
 */
public record SchemaReference(String name, String subject, int version) {}
