/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * Reads the MQTT message of a Kafka record, whoever wrote it: a broker node, or a plain producer that
 * set only a key. Strict: a record that breaks the contract is refused with a reason, never guessed at.
 *
 * <pre>{@code
 * MqttRecord mqtt = MqttRecordReader.read(consumerRecord);
 * System.out.println(mqtt.topic() + " qos " + mqtt.qos() + " from " + mqtt.client());
 * }</pre>
 */
public final class MqttRecordReader {

    private static final byte[] EMPTY = new byte[0];

    private MqttRecordReader() {}

    /**
     * @throws MalformedMqttRecordException naming the record (topic-partition@offset) and what is wrong
     */
    public static MqttRecord read(ConsumerRecord<byte[], byte[]> record) {
        try {
            return read(record.key(), record.value(), record.headers());
        } catch (MalformedMqttRecordException e) {
            throw new MalformedMqttRecordException(
                    "record " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The MQTT message of a record given by its parts (e.g. from Kafka Connect or Kafka Streams).
     *
     * @throws MalformedMqttRecordException when a header value breaks the contract or nothing names the topic
     */
    public static MqttRecord read(byte @Nullable [] key, byte @Nullable [] value, Iterable<? extends Header> headers) {
        String topicHeader = null;
        int qos = MqttHeaders.DEFAULT_QOS;
        boolean retain = false;
        String client = null;
        boolean utf8 = false;
        String contentType = null;
        Long expiry = null;
        String responseTopic = null;
        byte[] correlation = null;
        List<UserProperty> userProperties = new ArrayList<>();
        for (Header header : headers) {
            byte[] raw = header.value();
            String userProperty = MqttHeaders.userPropertyName(header.key());
            if (userProperty != null) {
                userProperties.add(new UserProperty(userProperty, MqttHeaderValues.text(raw)));
                continue;
            }
            switch (header.key()) {
                case MqttHeaders.TOPIC -> topicHeader = MqttHeaderValues.textOrNull(raw);
                case MqttHeaders.QOS -> qos = MqttHeaderValues.parseQos(raw);
                case MqttHeaders.RETAIN -> retain = MqttHeaderValues.isSet(raw);
                case MqttHeaders.CLIENT -> client = MqttHeaderValues.textOrNull(raw);
                case MqttHeaders.PAYLOAD_FORMAT -> utf8 = MqttHeaderValues.isSet(raw);
                case MqttHeaders.CONTENT_TYPE -> contentType = MqttHeaderValues.textOrNull(raw);
                case MqttHeaders.EXPIRY -> expiry = MqttHeaderValues.parseExpiry(raw);
                case MqttHeaders.RESPONSE_TOPIC -> responseTopic = MqttHeaderValues.textOrNull(raw);
                case MqttHeaders.CORRELATION_DATA -> correlation = raw;
                default -> {
                    // A newer broker may add mqtt.* headers; ignoring them keeps old readers working.
                }
            }
        }
        return new MqttRecord(
                topic(topicHeader, key),
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

    /** The {@code mqtt.topic} header wins over the key: a mapping rule may have made the key a device id. */
    private static String topic(@Nullable String topicHeader, byte @Nullable [] key) {
        if (topicHeader != null) {
            return topicHeader;
        }
        if (key == null) {
            throw new MalformedMqttRecordException(
                    "neither a key nor a " + MqttHeaders.TOPIC + " header names the MQTT topic");
        }
        return MqttHeaderValues.text(key);
    }
}
