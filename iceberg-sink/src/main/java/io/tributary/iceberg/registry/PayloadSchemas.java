/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.registry;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.RegistryUnavailableException;
import io.tributary.registry.SchemaLookupException;
import io.tributary.registry.SchemaRegistry;
import io.tributary.registry.WireFormat;
import io.tributary.registry.columns.PayloadColumns;
import io.tributary.registry.columns.SchemaColumns;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The payload schema of each wire-format id a task meets, read from the registry once and kept: an id never
 * changes its schema. Avro schemas this module maps itself ({@link AvroPayloadSchema}); JSON Schema and Protobuf
 * ones through the registry client's {@link SchemaColumns} (for Protobuf, the columns of the message a payload's
 * message indexes name). A schema that cannot be columns (a union of several types, a reference that is not
 * there) is kept as its reason, so its records are refused without asking the registry again.
 *
 * <p>Not thread-safe: one per task.
 */
public final class PayloadSchemas {

    private final SchemaRegistry registry;
    /** An {@link AvroPayloadSchema}, a {@link SchemaColumns}, or the reason (a String) why the id has none. */
    private final Map<Integer, Object> byId = new HashMap<>();
    /** The Iceberg types of each payload columns the registry client gave. */
    private final Map<PayloadColumns, PayloadSchema> mapped = new IdentityHashMap<>();

    public PayloadSchemas(SchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * The payload schema of a wire-format {@code payload}.
     *
     * @throws SchemaLookupException        when the registry does not hold its id or its schema has no columns
     * @throws UndecodablePayloadException  when it names a Protobuf message its schema does not have
     * @throws RegistryUnavailableException when the registry cannot be asked now (try again later)
     */
    public PayloadSchema forPayload(byte[] payload) throws SchemaLookupException, UndecodablePayloadException {
        int id = WireFormat.schemaId(payload);
        Object known = byId.get(id);
        if (known == null) {
            known = derive(id);
            byId.put(id, known);
        }
        if (known instanceof String reason) {
            throw new SchemaLookupException(reason);
        }
        if (known instanceof SchemaColumns columns) {
            try {
                return mapped.computeIfAbsent(columns.forPayload(payload), MappedPayloadSchema::new);
            } catch (io.tributary.registry.columns.UndecodablePayloadException e) {
                throw new UndecodablePayloadException(e.getMessage());
            }
        }
        return (PayloadSchema) known;
    }

    /** The payload schema, or why there is none. */
    private Object derive(int id) throws SchemaLookupException {
        RegisteredSchema registered = registry.byId(id);
        try {
            return switch (registered.format()) {
                case AVRO -> new AvroPayloadSchema(registered);
                case JSON, PROTOBUF -> SchemaColumns.of(registered);
            };
        } catch (IllegalArgumentException e) {
            return "schema id " + id + " " + e.getMessage();
        }
    }
}
