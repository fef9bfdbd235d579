/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.registry;

import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.format.MqttColumns;
import io.tributary.shard.format.RowSchema;
import io.tributary.shard.record.ShardRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The rows of a file whose payloads all have one registered schema: the MQTT columns, the raw payload (the Kafka
 * value as it is, wire-format prefix included, so the archive can reproduce the record), the schema id, then the
 * payload's top-level fields as columns, each with the column prefix.
 */
final class RegisteredRecordSchema implements RowSchema {
    static final String SCHEMA_ID = "payload_schema_id";

    private final RegisteredPayload payload;
    private final Schema schema;
    private final int firstPayloadColumn;

    /** @throws IllegalArgumentException with the reason when a field cannot be a column next to the MQTT ones */
    RegisteredRecordSchema(RegisteredPayload payload, String columnPrefix) {
        this.payload = payload;
        Schema base = MqttColumns.begin()
                .requiredBytes(MqttColumns.PAYLOAD)
                .requiredInt(SCHEMA_ID)
                .endRecord();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        this.firstPayloadColumn = fields.size();
        for (Schema.Field field : payload.record().getFields()) {
            String column = columnPrefix + field.name();
            if (base.getField(column) != null) {
                throw new IllegalArgumentException("has field '" + field.name() + "', which would be column '" + column
                        + "', an MQTT column; set format.payload.column.prefix");
            }
            fields.add(new Schema.Field(column, field.schema(), field.doc(), field.defaultVal(), field.order()));
        }
        this.schema = Schema.createRecord(
                base.getName(),
                "MQTT message with the payload of schema id " + payload.schemaId(),
                base.getNamespace(),
                false,
                fields);
        try {
            // A registered type named like one of the MQTT columns' types, say: found now, not at the first file.
            new Schema.Parser().parse(schema.toString());
        } catch (SchemaParseException e) {
            throw new IllegalArgumentException("cannot be columns next to the MQTT ones: " + e.getMessage(), e);
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public String nameTag() {
        String variant = payload.variant();
        return ".schema-" + payload.schemaId() + (variant.isEmpty() ? "" : "-" + variant);
    }

    @Override
    public GenericRecord toAvro(ShardRecord record) throws BadRecordException {
        GenericRecord values = payload.decode(record.payload());
        GenericData.Record row = new GenericData.Record(schema);
        MqttColumns.fill(row, record);
        row.put(MqttColumns.PAYLOAD, ByteBuffer.wrap(record.payload()));
        row.put(SCHEMA_ID, payload.schemaId());
        int columns = payload.record().getFields().size();
        for (int i = 0; i < columns; i++) {
            row.put(firstPayloadColumn + i, values.get(i));
        }
        return row;
    }
}
