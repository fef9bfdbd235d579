/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.registry;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.SchemaLookupException;
import io.tributary.registry.SchemaRegistry;
import io.tributary.registry.WireFormat;
import io.tributary.registry.columns.PayloadColumns;
import io.tributary.registry.columns.SchemaColumns;
import io.tributary.registry.columns.UndecodablePayloadException;
import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.format.FileFormat;
import io.tributary.shard.format.MqttRecordSchema;
import io.tributary.shard.format.RowSchema;
import io.tributary.shard.record.ShardRecord;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Which columns a record's row has. Without a registry, or in JSON Lines, or for a payload not in the Confluent
 * wire format: the plain layout ({@link MqttRecordSchema}). With a registry, a wire-format payload gets the typed
 * columns of its registered schema (Avro, JSON Schema or Protobuf), one {@link RowSchema} per schema id (per
 * Protobuf message of it), so each version of a subject has files of its own and the columns follow the registry's
 * versions.
 *
 * <p>Each id is derived once per task and kept, with the reason when it cannot have columns (not in the registry,
 * a type no column holds, a reference that is not there): an id never changes its schema.
 */
public final class RowSchemas {

    private final MqttRecordSchema plain;
    private final @Nullable SchemaRegistry registry;
    private final FileFormat format;
    private final String columnPrefix;
    /** A {@link RowSchema}, a {@link SchemaColumns}, or the reason (a String) why the id has none. */
    private final Map<Integer, Object> byId = new ConcurrentHashMap<>();
    /** The row schema of each payload columns the registry client gave (one per Protobuf message). */
    private final Map<PayloadColumns, Object> byColumns = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * @param registry where wire-format payloads' schemas are, or null for the plain layout only
     * @param columnPrefix put before each payload field's name, to keep it apart from the MQTT columns
     */
    public RowSchemas(
            MqttRecordSchema plain, @Nullable SchemaRegistry registry, FileFormat format, String columnPrefix) {
        this.plain = plain;
        this.registry = registry;
        this.format = format;
        this.columnPrefix = columnPrefix;
    }

    /** The plain layout for every record. */
    public static RowSchemas plain(MqttRecordSchema plain, FileFormat format) {
        return new RowSchemas(plain, null, format, "");
    }

    /** The plain layout, the one of records without a registered schema. */
    public MqttRecordSchema plainLayout() {
        return plain;
    }

    /**
     * @throws BadRecordException when the payload names a schema id that has no columns: not in the registry, a
     *     type no column holds, a Protobuf message the schema does not have (the record is bad: dead-letter queue or task failure)
     * @throws io.tributary.registry.RegistryUnavailableException when the id was not seen yet and the registry
     *     cannot answer now: nothing about the record is decided, take it again later
     */
    public RowSchema forRecord(ShardRecord record) throws BadRecordException {
        if (registry == null || format == FileFormat.JSONL || !WireFormat.matches(record.payload())) {
            return plain;
        }
        int id = WireFormat.schemaId(record.payload());
        Object known = byId.get(id);
        if (known == null) {
            known = derive(registry, id);
            byId.put(id, known);
        }
        if (known instanceof SchemaColumns columns) {
            PayloadColumns payload;
            try {
                payload = columns.forPayload(record.payload());
            } catch (UndecodablePayloadException e) {
                throw new BadRecordException(e.getMessage());
            }
            known = byColumns.computeIfAbsent(payload, p -> rows(id, new MappedRegisteredPayload(p)));
        }
        if (known instanceof String reason) {
            throw new BadRecordException(reason);
        }
        return (RowSchema) known;
    }

    /** The row schema of {@code id}, or why there is none. */
    private Object derive(SchemaRegistry registry, int id) {
        RegisteredSchema registered;
        try {
            registered = registry.byId(id);
        } catch (SchemaLookupException e) {
            return e.getMessage();
        }
        try {
            if (registered.format() != RegisteredSchema.Format.AVRO) {
                return SchemaColumns.of(registered);
            }
            return rows(id, new AvroRegisteredPayload(registered));
        } catch (IllegalArgumentException e) {
            return "schema id " + id + " " + e.getMessage();
        }
    }

    /** The row schema of {@code payload}, or why there is none. */
    private Object rows(int id, RegisteredPayload payload) {
        try {
            RegisteredRecordSchema rows = new RegisteredRecordSchema(payload, columnPrefix);
            String unwritable = format.unwritableReason(rows.schema());
            if (unwritable != null) {
                throw new IllegalArgumentException(unwritable);
            }
            return rows;
        } catch (IllegalArgumentException e) {
            return "schema id " + id + " " + e.getMessage();
        }
    }
}
