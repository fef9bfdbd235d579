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
 * The MQTT columns every row of every tiered file starts with, before its payload columns. Names are snake_case
 * so Hive, Spark and Trino read them unquoted.
 */
public final class MqttColumns {
    /** The raw payload column. */
    public static final String PAYLOAD = "payload";

    private static final Schema USER_PROPERTY = SchemaBuilder.record("UserProperty")
            .namespace("io.tributary")
            .fields()
            .requiredString("name")
            .requiredString("value")
            .endRecord();

    private MqttColumns() {}

    /** A builder of the row record holding the MQTT columns; the caller adds the payload columns and ends it. */
    public static SchemaBuilder.FieldAssembler<Schema> begin() {
        Schema timestamp = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        Schema optionalTimestamp = Schema.createUnion(Schema.create(Schema.Type.NULL), timestamp);
        return SchemaBuilder.record("MqttMessage")
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
                .items(USER_PROPERTY)
                .noDefault();
    }

    /** Sets the MQTT columns of {@code row}, a record of a schema {@link #begin()} started. */
    public static void fill(GenericData.Record row, ShardRecord record) {
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
            GenericData.Record entry = new GenericData.Record(USER_PROPERTY);
            entry.put("name", property.name());
            entry.put("value", property.value());
            properties.add(entry);
        }
        row.put("user_properties", properties);
    }

    /** Names the record in a bad-record reason. */
    public static String describe(ShardRecord record) {
        return "payload of record " + record.kafkaTopic() + "-" + record.kafkaPartition() + "@" + record.offset();
    }
}
