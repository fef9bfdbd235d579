/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import io.tributary.shard.record.ShardRecord;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The plain layout of a tiered file: the {@link MqttColumns} and the payload as one bytes or string column (see
 * {@link PayloadEncoding}). One row per MQTT message.
 */
public final class MqttRecordSchema implements RowSchema {
    public static final String PAYLOAD = MqttColumns.PAYLOAD;
    /** Only in {@link PayloadEncoding#AUTO}: the payload as text when the publisher declared UTF-8. */
    public static final String PAYLOAD_TEXT = "payload_text";

    private final PayloadEncoding encoding;
    private final Schema schema;

    public MqttRecordSchema(PayloadEncoding encoding) {
        this.encoding = encoding;
        this.schema = switch (encoding) {
            case BYTES -> MqttColumns.begin().requiredBytes(PAYLOAD).endRecord();
            case STRING -> MqttColumns.begin().requiredString(PAYLOAD).endRecord();
            case AUTO ->
                MqttColumns.begin()
                        .optionalBytes(PAYLOAD)
                        .optionalString(PAYLOAD_TEXT)
                        .endRecord();
        };
    }

    @Override
    public Schema schema() {
        return schema;
    }

    public PayloadEncoding encoding() {
        return encoding;
    }

    @Override
    public String nameTag() {
        return "";
    }

    @Override
    public GenericRecord toAvro(ShardRecord record) throws BadRecordException {
        GenericData.Record row = new GenericData.Record(schema);
        MqttColumns.fill(row, record);
        switch (encoding) {
            case BYTES -> row.put(PAYLOAD, ByteBuffer.wrap(record.payload()));
            case STRING -> row.put(PAYLOAD, Utf8Text.decode(record.payload(), () -> describe(record)));
            case AUTO -> {
                if (record.payloadUtf8()) {
                    // MQTT-3.3.2-4: a payload declared UTF-8 must be well-formed; a reader relies on it.
                    row.put(PAYLOAD_TEXT, Utf8Text.decode(record.payload(), () -> describe(record)));
                } else {
                    row.put(PAYLOAD, ByteBuffer.wrap(record.payload()));
                }
            }
        }
        return row;
    }

    static String describe(ShardRecord record) {
        return MqttColumns.describe(record);
    }
}
