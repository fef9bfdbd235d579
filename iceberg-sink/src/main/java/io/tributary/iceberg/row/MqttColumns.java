/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import io.tributary.iceberg.SinkInput;
import io.tributary.record.MqttRecord;
import io.tributary.record.UserProperty;
import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * The columns every row has, from the MQTT message and its Kafka record, and the topic-level columns. The
 * names are a contract with every query analysts write: never rename one (docs/iceberg.md, section "row").
 */
public final class MqttColumns {

    public static final String TOPIC = "topic";
    public static final String CLIENT_ID = "client_id";
    public static final String QOS = "qos";
    public static final String RETAIN = "retain";
    /** When the broker received the PUBLISH (the record's CreateTime, docs/kafka-layout.md). */
    public static final String PUBLISH_TS = "publish_ts";

    public static final String KAFKA_TOPIC = "kafka_topic";
    public static final String KAFKA_PARTITION = "kafka_partition";
    public static final String KAFKA_OFFSET = "kafka_offset";
    public static final String KAFKA_TS = "kafka_ts";

    public static final String CONTENT_TYPE = "content_type";
    public static final String RESPONSE_TOPIC = "response_topic";
    public static final String CORRELATION_DATA = "correlation_data";
    public static final String USER_PROPERTIES = "user_properties";
    public static final String PAYLOAD = "payload";

    private static final Set<String> FIXED = Set.of(
            TOPIC,
            CLIENT_ID,
            QOS,
            RETAIN,
            PUBLISH_TS,
            KAFKA_TOPIC,
            KAFKA_PARTITION,
            KAFKA_OFFSET,
            KAFKA_TS,
            CONTENT_TYPE,
            RESPONSE_TOPIC,
            CORRELATION_DATA,
            USER_PROPERTIES,
            PAYLOAD);

    private MqttColumns() {}

    /** True for the name of a fixed MQTT or Kafka column (topic-level columns not included). */
    public static boolean isFixedColumn(String name) {
        return FIXED.contains(name);
    }

    /**
     * The MQTT, Kafka and topic-level columns of a new table, in this order, payload columns not included.
     * Columns every record fills are required (usable as upsert identifier fields); the others optional.
     */
    public static Schema baseSchema(RowSettings settings) {
        List<NestedField> columns = new ArrayList<>();
        int id = 0;
        columns.add(NestedField.required(++id, TOPIC, Types.StringType.get(), "MQTT topic name"));
        for (String level : settings.topicLevels()) {
            columns.add(NestedField.optional(++id, level, Types.StringType.get(), "MQTT topic level"));
        }
        columns.add(NestedField.optional(++id, CLIENT_ID, Types.StringType.get(), "publisher's client identifier"));
        columns.add(NestedField.required(++id, QOS, Types.IntegerType.get(), "QoS the publisher used"));
        columns.add(NestedField.required(++id, RETAIN, Types.BooleanType.get(), "RETAIN flag"));
        columns.add(NestedField.optional(
                ++id, PUBLISH_TS, Types.TimestampType.withZone(), "when the broker received the PUBLISH"));
        columns.add(NestedField.optional(++id, KAFKA_TS, Types.TimestampType.withZone(), "Kafka record timestamp"));
        columns.add(NestedField.required(++id, KAFKA_TOPIC, Types.StringType.get(), "Kafka topic"));
        columns.add(NestedField.required(++id, KAFKA_PARTITION, Types.IntegerType.get(), "Kafka partition"));
        columns.add(NestedField.required(++id, KAFKA_OFFSET, Types.LongType.get(), "Kafka offset"));
        columns.add(NestedField.optional(++id, CONTENT_TYPE, Types.StringType.get(), "MQTT 5 content type"));
        columns.add(NestedField.optional(++id, RESPONSE_TOPIC, Types.StringType.get(), "MQTT 5 response topic"));
        columns.add(NestedField.optional(++id, CORRELATION_DATA, Types.BinaryType.get(), "MQTT 5 correlation data"));
        int key = ++id;
        int value = ++id;
        columns.add(NestedField.optional(
                ++id,
                USER_PROPERTIES,
                Types.MapType.ofOptional(key, value, Types.StringType.get(), Types.StringType.get()),
                "MQTT 5 user properties"));
        if (settings.rawPayload()) {
            columns.add(NestedField.optional(++id, PAYLOAD, Types.BinaryType.get(), "payload bytes as published"));
        }
        return new Schema(columns);
    }

    /** The value of fixed column {@code name} for {@code input}; {@code time} is its timestamp, made once per row. */
    static @Nullable Object value(String name, SinkInput input, @Nullable OffsetDateTime time) {
        MqttRecord mqtt = input.mqtt();
        return switch (name) {
            case TOPIC -> mqtt.topic();
            case CLIENT_ID -> mqtt.client();
            case QOS -> mqtt.qos();
            case RETAIN -> mqtt.retain();
            case PUBLISH_TS, KAFKA_TS -> time;
            case KAFKA_TOPIC -> input.kafkaTopic();
            case KAFKA_PARTITION -> input.partition();
            case KAFKA_OFFSET -> input.offset();
            case CONTENT_TYPE -> mqtt.contentType();
            case RESPONSE_TOPIC -> mqtt.responseTopic();
            case CORRELATION_DATA -> mqtt.correlationData() == null ? null : ByteBuffer.wrap(mqtt.correlationData());
            case USER_PROPERTIES -> userProperties(mqtt.userProperties());
            case PAYLOAD -> ByteBuffer.wrap(mqtt.payload());
            default -> throw new IllegalArgumentException("not an MQTT column: " + name);
        };
    }

    /** The record timestamp as {@code timestamptz}; null for a record without one (Kafka's -1). */
    static @Nullable OffsetDateTime timestamp(SinkInput input) {
        long millis = input.kafkaTimestampMs();
        if (millis < 0) {
            return null;
        }
        // As OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), UTC), without its ZoneRules look-up per record.
        LocalDateTime utc = LocalDateTime.ofEpochSecond(
                Math.floorDiv(millis, 1000L), (int) Math.floorMod(millis, 1000L) * 1_000_000, ZoneOffset.UTC);
        return OffsetDateTime.of(utc, ZoneOffset.UTC);
    }

    /**
     * Fills {@code levels} with the topic's levels ({@code null} past its last level) and returns it. Levels past
     * {@code levels.length} are not split out. An empty level ({@code a//b}) is the empty string.
     */
    static @Nullable String[] topicLevels(String topic, @Nullable String[] levels) {
        int start = 0;
        for (int i = 0; i < levels.length; i++) {
            if (start > topic.length()) {
                levels[i] = null;
                continue;
            }
            int end = topic.indexOf('/', start);
            if (end < 0) {
                end = topic.length();
            }
            levels[i] = topic.substring(start, end);
            start = end + 1;
        }
        return levels;
    }

    /** MQTT allows a name more than once; a map keeps one value per name: the last, as later headers override. */
    private static Map<String, String> userProperties(List<UserProperty> properties) {
        if (properties.isEmpty()) {
            return Map.of();
        }
        Map<String, String> map = new HashMap<>(properties.size() * 2);
        for (UserProperty property : properties) {
            map.put(property.name(), property.value());
        }
        return map;
    }
}
