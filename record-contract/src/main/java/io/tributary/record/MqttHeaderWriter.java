/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import static io.tributary.record.MqttHeaderValues.utf8;

import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Writes MQTT metadata into a record's headers. Each method leaves out a header whose value is the default
 * (no retain flag, no client, no expiry...), so a plain message costs two headers. The broker calls these on
 * every PUBLISH: they allocate nothing beyond the header itself and its UTF-8 value.
 */
public final class MqttHeaderWriter {

    private MqttHeaderWriter() {}

    /** Every field of {@code record}; {@code topicInHeader} when the record key will not be the MQTT topic. */
    public static Headers write(MqttRecord record, boolean topicInHeader, Headers headers) {
        if (topicInHeader) {
            addTopic(headers, record.topic());
        }
        addQos(headers, record.qos());
        addRetain(headers, record.retain());
        addClient(headers, record.client());
        addPayloadUtf8(headers, record.payloadUtf8());
        addContentType(headers, record.contentType());
        addExpiry(headers, record.expiresAtMillis() == null ? 0 : record.expiresAtMillis());
        addResponseTopic(headers, record.responseTopic());
        addCorrelationData(headers, record.correlationData());
        for (UserProperty property : record.userProperties()) {
            addUserProperty(headers, property.name(), property.value());
        }
        return headers;
    }

    /** For records whose key is not the MQTT topic (a mapping rule's key template). */
    public static void addTopic(Headers headers, String mqttTopic) {
        headers.add(MqttHeaders.TOPIC, utf8(mqttTopic));
    }

    public static void addQos(Headers headers, int qos) {
        headers.add(MqttHeaders.QOS, MqttHeaderValues.qos(qos));
    }

    public static void addRetain(Headers headers, boolean retain) {
        if (retain) {
            headers.add(MqttHeaders.RETAIN, MqttHeaderValues.trueFlag());
        }
    }

    public static void addClient(Headers headers, @Nullable String clientId) {
        if (clientId != null) {
            headers.add(MqttHeaders.CLIENT, utf8(clientId));
        }
    }

    public static void addPayloadUtf8(Headers headers, boolean payloadUtf8) {
        if (payloadUtf8) {
            headers.add(MqttHeaders.PAYLOAD_FORMAT, MqttHeaderValues.trueFlag());
        }
    }

    public static void addContentType(Headers headers, @Nullable String contentType) {
        if (contentType != null) {
            headers.add(MqttHeaders.CONTENT_TYPE, utf8(contentType));
        }
    }

    /** {@code deadlineMillis} 0 means the message does not expire. */
    public static void addExpiry(Headers headers, long deadlineMillis) {
        if (deadlineMillis != 0) {
            headers.add(MqttHeaders.EXPIRY, MqttHeaderValues.expiry(deadlineMillis));
        }
    }

    public static void addResponseTopic(Headers headers, @Nullable String responseTopic) {
        if (responseTopic != null) {
            headers.add(MqttHeaders.RESPONSE_TOPIC, utf8(responseTopic));
        }
    }

    public static void addCorrelationData(Headers headers, byte @Nullable [] correlationData) {
        if (correlationData != null) {
            headers.add(MqttHeaders.CORRELATION_DATA, correlationData);
        }
    }

    /** One user property, escaped when its name starts with {@code mqtt.}; call in order, duplicates kept. */
    public static void addUserProperty(Headers headers, String name, String value) {
        headers.add(MqttHeaders.userPropertyHeader(name), utf8(value));
    }
}
