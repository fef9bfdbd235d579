/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.registry;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.RegistryUnavailableException;
import io.tributary.registry.SchemaLookupException;
import io.tributary.registry.SchemaRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * The payload schema of each wire-format id a task meets, read from the registry once and kept: an id never
 * changes its schema. A schema that cannot be columns (a Protobuf schema, a union of several types) is kept as its
 * reason, so its records are refused without asking the registry again.
 *
 * <p>Not thread-safe: one per task.
 */
public final class PayloadSchemas {

    private final SchemaRegistry registry;
    private final Map<Integer, Object> byId = new HashMap<>();

    public PayloadSchemas(SchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * @throws SchemaLookupException        when the registry does not hold {@code id} or its schema has no columns
     * @throws RegistryUnavailableException when the registry cannot be asked now (try again later)
     */
    public PayloadSchema forId(int id) throws SchemaLookupException {
        Object known = byId.get(id);
        if (known == null) {
            known = derive(id);
            byId.put(id, known);
        }
        if (known instanceof String reason) {
            throw new SchemaLookupException(reason);
        }
        return (PayloadSchema) known;
    }

    /** The payload schema, or why there is none. */
    private Object derive(int id) throws SchemaLookupException {
        RegisteredSchema registered = registry.byId(id);
        try {
            return switch (registered.format()) {
                case AVRO -> new AvroPayloadSchema(id, registered.text(), registered.references());
                case JSON -> {
                    if (!registered.references().isEmpty()) {
                        throw new IllegalArgumentException("is a JSON Schema with schema references, which the "
                                + "sink does not resolve (Avro ones it does)");
                    }
                    yield new JsonSchemaPayloadSchema(id, registered.text());
                }
                case PROTOBUF ->
                    throw new IllegalArgumentException(
                            "is a Protobuf schema: the sink maps Avro and JSON Schema payloads to columns");
            };
        } catch (IllegalArgumentException e) {
            return "schema id " + id + " " + e.getMessage();
        }
    }
}
