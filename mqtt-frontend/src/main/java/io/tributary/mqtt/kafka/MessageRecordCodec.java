/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import io.tributary.record.MqttHeaderValues;
import io.tributary.record.MqttHeaderWriter;
import io.tributary.record.MqttHeaders;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The broker's {@link Message} as a Kafka record and back, by the record contract of the record-contract
 * module (docs/kafka-layout.md). Reading is lenient, unlike {@link io.tributary.record.MqttRecordReader}: a
 * foreign producer's odd QoS or expiry falls back to the default rather than stopping delivery.
 */
public final class MessageRecordCodec {

    private MessageRecordCodec() {}

    /** Headers for a message; {@code topicInHeader} when the record key is not the MQTT topic. */
    public static Headers headers(Message message, boolean topicInHeader) {
        RecordHeaders headers = new RecordHeaders();
        if (topicInHeader) {
            MqttHeaderWriter.addTopic(headers, message.topic());
        }
        MqttHeaderWriter.addQos(headers, message.qos());
        MqttHeaderWriter.addRetain(headers, message.retain());
        MqttHeaderWriter.addClient(headers, message.publisher());
        MessageProperties p = message.properties();
        if (p.isEmpty()) {
            return headers;
        }
        MqttHeaderWriter.addPayloadUtf8(headers, p.payloadUtf8());
        MqttHeaderWriter.addContentType(headers, p.contentType());
        MqttHeaderWriter.addExpiry(headers, p.expiresAtMillis());
        MqttHeaderWriter.addResponseTopic(headers, p.responseTopic());
        MqttHeaderWriter.addCorrelationData(headers, p.correlationData());
        for (UserProperty user : p.userProperties()) {
            MqttHeaderWriter.addUserProperty(headers, user.name(), user.value());
        }
        return headers;
    }

    /**
     * Reads a message back from a record. {@code fallbackTopic} names the MQTT topic when the record has no
     * {@code mqtt.topic} header (normally the key); null drops the record.
     */
    public static @Nullable Message decode(
            @Nullable String fallbackTopic, byte @Nullable [] value, Headers headers, int defaultQos) {
        String topic = fallbackTopic;
        int qos = defaultQos;
        boolean retain = false;
        String client = null;
        boolean utf8 = false;
        String contentType = null;
        long expiry = 0;
        String responseTopic = null;
        byte[] correlation = null;
        List<UserProperty> users = null;
        for (Header h : headers) {
            String key = h.key();
            byte[] v = h.value();
            if (v == null) {
                continue;
            }
            String userProperty = MqttHeaders.userPropertyName(key);
            if (userProperty != null) {
                users = add(users, userProperty, v);
                continue;
            }
            switch (key) {
                case MqttHeaders.TOPIC -> topic = MqttHeaderValues.text(v);
                case MqttHeaders.QOS -> qos = MqttHeaderValues.qosOrDefault(v, defaultQos);
                case MqttHeaders.RETAIN -> retain = MqttHeaderValues.isSet(v);
                case MqttHeaders.CLIENT -> client = MqttHeaderValues.text(v);
                case MqttHeaders.PAYLOAD_FORMAT -> utf8 = MqttHeaderValues.isSet(v);
                case MqttHeaders.CONTENT_TYPE -> contentType = MqttHeaderValues.text(v);
                case MqttHeaders.EXPIRY -> expiry = MqttHeaderValues.expiryOrDefault(v, 0);
                case MqttHeaders.RESPONSE_TOPIC -> responseTopic = MqttHeaderValues.text(v);
                case MqttHeaders.CORRELATION_DATA -> correlation = v;
                default -> {
                    // A newer broker may add mqtt.* headers; ignoring them keeps this node delivering.
                }
            }
        }
        if (topic == null || topic.isEmpty()) {
            return null;
        }
        MessageProperties props = !utf8
                        && contentType == null
                        && expiry == 0
                        && responseTopic == null
                        && correlation == null
                        && users == null
                ? MessageProperties.NONE
                : new MessageProperties(
                        utf8, contentType, expiry, responseTopic, correlation, users == null ? List.of() : users);
        return new Message(topic, value == null ? new byte[0] : value, qos, retain, client, props);
    }

    private static List<UserProperty> add(@Nullable List<UserProperty> users, String name, byte[] value) {
        List<UserProperty> list = users == null ? new ArrayList<>(4) : users;
        list.add(new UserProperty(name, MqttHeaderValues.text(value)));
        return list;
    }
}
