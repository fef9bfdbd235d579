/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads Tributary's record contract: key = MQTT topic (unless header {@code mqtt.topic} overrides),
 * value = payload, MQTT metadata in {@code mqtt.*} headers, every other header a user property.
 */
public final class ShardRecordParser {
    public static final String HEADER_PREFIX = "mqtt.";
    public static final String QOS = "mqtt.qos";
    public static final String RETAIN = "mqtt.retain";
    public static final String CLIENT = "mqtt.client";
    public static final String TOPIC = "mqtt.topic";
    public static final String PAYLOAD_FORMAT = "mqtt.payload.format";
    public static final String CONTENT_TYPE = "mqtt.content.type";
    public static final String EXPIRY = "mqtt.expiry";
    public static final String RESPONSE_TOPIC = "mqtt.response.topic";
    public static final String CORRELATION_DATA = "mqtt.correlation.data";
    /** User properties whose own name starts with "mqtt." are escaped under this prefix. */
    public static final String ESCAPED_USER_PROPERTY = "mqtt.user.";

    /** A plain Kafka producer's record carries no QoS; it is treated as at-least-once. */
    public static final int DEFAULT_QOS = 1;

    private static final byte[] EMPTY = new byte[0];

    private ShardRecordParser() {}

    public static ShardRecord parse(
            String kafkaTopic,
            int kafkaPartition,
            long offset,
            long timestamp,
            byte @Nullable [] key,
            byte @Nullable [] value,
            Iterable<RecordHeader> headers)
            throws MalformedShardRecordException {
        String where = kafkaTopic + "-" + kafkaPartition + "@" + offset;
        String topicHeader = null;
        int qos = DEFAULT_QOS;
        boolean retain = false;
        String client = null;
        boolean utf8 = false;
        String contentType = null;
        Long expiry = null;
        String responseTopic = null;
        byte[] correlation = null;
        List<UserProperty> userProperties = new ArrayList<>();
        for (RecordHeader header : headers) {
            String name = header.key();
            byte[] raw = header.value();
            if (!name.startsWith(HEADER_PREFIX)) {
                userProperties.add(new UserProperty(name, text(raw)));
                continue;
            }
            if (name.startsWith(ESCAPED_USER_PROPERTY)) {
                userProperties.add(new UserProperty(name.substring(ESCAPED_USER_PROPERTY.length()), text(raw)));
                continue;
            }
            switch (name) {
                case QOS -> qos = parseQos(text(raw), where);
                case RETAIN -> retain = "1".equals(text(raw));
                case CLIENT -> client = raw == null ? null : text(raw);
                case TOPIC -> topicHeader = raw == null ? null : text(raw);
                case PAYLOAD_FORMAT -> utf8 = "1".equals(text(raw));
                case CONTENT_TYPE -> contentType = raw == null ? null : text(raw);
                case EXPIRY -> expiry = parseExpiry(text(raw), where);
                case RESPONSE_TOPIC -> responseTopic = raw == null ? null : text(raw);
                case CORRELATION_DATA -> correlation = raw;
                default -> {
                    // A newer broker may add mqtt.* headers; ignoring them keeps old sinks working.
                }
            }
        }
        String mqttTopic = topicHeader != null ? topicHeader : key == null ? null : text(key);
        if (mqttTopic == null) {
            throw new MalformedShardRecordException(
                    "record " + where + " has neither a key nor a " + TOPIC + " header to name its MQTT topic");
        }
        return new ShardRecord(
                kafkaTopic,
                kafkaPartition,
                offset,
                timestamp,
                mqttTopic,
                value == null ? EMPTY : value,
                qos,
                retain,
                client,
                utf8,
                contentType,
                expiry,
                responseTopic,
                correlation,
                userProperties);
    }

    private static int parseQos(String text, String where) throws MalformedShardRecordException {
        return switch (text) {
            case "0" -> 0;
            case "1" -> 1;
            case "2" -> 2;
            default ->
                throw new MalformedShardRecordException(
                        "record " + where + " has " + QOS + " '" + text + "', expected 0, 1 or 2");
        };
    }

    private static Long parseExpiry(String text, String where) throws MalformedShardRecordException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new MalformedShardRecordException(
                    "record " + where + " has " + EXPIRY + " '" + text + "', expected ms since epoch");
        }
    }

    private static String text(byte @Nullable [] raw) {
        return raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
    }
}
