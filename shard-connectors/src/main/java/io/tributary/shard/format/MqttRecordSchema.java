/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import io.tributary.record.UserProperty;
import io.tributary.shard.record.ShardRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The columns every tiered file has, as an Avro schema (Parquet files derive their schema from it).
 * One row per MQTT message; names are snake_case so Hive, Spark and Trino read them unquoted.
 */
public final class MqttRecordSchema {
    public static final String PAYLOAD = "payload";
    /** Only in {@link PayloadEncoding#AUTO}: the payload as text when the publisher declared UTF-8. */
    public static final String PAYLOAD_TEXT = "payload_text";

    private final PayloadEncoding encoding;
    private final Schema schema;
    private final Schema userPropertySchema;

    public MqttRecordSchema(PayloadEncoding encoding) {
        this.encoding = encoding;
        this.userPropertySchema = SchemaBuilder.record("UserProperty")
                .namespace("io.tributary")
                .fields()
                .requiredString("name")
                .requiredString("value")
                .endRecord();
        Schema timestamp = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        Schema optionalTimestamp = Schema.createUnion(Schema.create(Schema.Type.NULL), timestamp);
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("MqttMessage")
                .namespace("io.tributary")
                .fields()
                .requiredString("kafka_topic")
                .requiredInt("kafka_partition")
                .requiredLong("kafka_offset")
                .name("timestamp")
                .type(timestamp)
                .noDefault()
                .requiredString("mqtt_topic")
                .requiredInt("qos")
                .requiredBoolean("retain")
                .optionalString("client")
                .requiredBoolean("payload_format_utf8")
                .optionalString("content_type")
                .name("message_expiry")
                .type(optionalTimestamp)
                .withDefault(null)
                .optionalString("response_topic")
                .optionalBytes("correlation_data")
                .name("user_properties")
                .type()
                .array()
                .items(userPropertySchema)
                .noDefault();
        this.schema = switch (encoding) {
            case BYTES -> fields.requiredBytes(PAYLOAD).endRecord();
            case STRING -> fields.requiredString(PAYLOAD).endRecord();
            case AUTO ->
                fields.optionalBytes(PAYLOAD).optionalString(PAYLOAD_TEXT).endRecord();
        };
    }

    public Schema schema() {
        return schema;
    }

    public PayloadEncoding encoding() {
        return encoding;
    }

    /** Converts completely before anything is written, so a bad record never half-enters a file. */
    public GenericRecord toAvro(ShardRecord record) throws BadRecordException {
        GenericData.Record row = new GenericData.Record(schema);
        row.put("kafka_topic", record.kafkaTopic());
        row.put("kafka_partition", record.kafkaPartition());
        row.put("kafka_offset", record.offset());
        row.put("timestamp", record.timestamp());
        row.put("mqtt_topic", record.mqttTopic());
        row.put("qos", record.qos());
        row.put("retain", record.retain());
        row.put("client", record.client());
        row.put("payload_format_utf8", record.payloadUtf8());
        row.put("content_type", record.contentType());
        row.put("message_expiry", record.expiry());
        row.put("response_topic", record.responseTopic());
        row.put(
                "correlation_data",
                record.correlationData() == null ? null : ByteBuffer.wrap(record.correlationData()));
        List<GenericRecord> properties = new ArrayList<>(record.userProperties().size());
        for (UserProperty property : record.userProperties()) {
            GenericData.Record entry = new GenericData.Record(userPropertySchema);
            entry.put("name", property.name());
            entry.put("value", property.value());
            properties.add(entry);
        }
        row.put("user_properties", properties);
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
        return "payload of record " + record.kafkaTopic() + "-" + record.kafkaPartition() + "@" + record.offset();
    }
}
