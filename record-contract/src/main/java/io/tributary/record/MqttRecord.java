/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT message a Kafka record holds, as {@link MqttRecordReader} reads it. The byte arrays are the
 * record's own, not copies: treat them as read-only.
 *
 * @param topic           the MQTT topic: the {@code mqtt.topic} header, else the record key
 * @param payload         the record value; empty (never null) for a null value
 * @param qos             the publisher's QoS; {@link MqttHeaders#DEFAULT_QOS} for a plain Kafka record
 * @param client          the publisher's client identifier; null for a plain Kafka record
 * @param payloadUtf8     MQTT 5 payload format indicator 1: the payload is UTF-8 text
 * @param expiresAtMillis absolute message-expiry deadline in ms since the epoch; null when there is none
 * @param userProperties  MQTT 5 user properties in header order, duplicates kept
 */
public record MqttRecord(
        String topic,
        byte[] payload,
        int qos,
        boolean retain,
        @Nullable String client,
        boolean payloadUtf8,
        @Nullable String contentType,
        @Nullable Long expiresAtMillis,
        @Nullable String responseTopic,
        byte @Nullable [] correlationData,
        List<UserProperty> userProperties) {

    public MqttRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        userProperties = List.copyOf(userProperties);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MqttRecord that
                && qos == that.qos
                && retain == that.retain
                && payloadUtf8 == that.payloadUtf8
                && topic.equals(that.topic)
                && Arrays.equals(payload, that.payload)
                && Objects.equals(client, that.client)
                && Objects.equals(contentType, that.contentType)
                && Objects.equals(expiresAtMillis, that.expiresAtMillis)
                && Objects.equals(responseTopic, that.responseTopic)
                && Arrays.equals(correlationData, that.correlationData)
                && userProperties.equals(that.userProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, client);
    }

    @Override
    public String toString() {
        return "MqttRecord[" + topic + " qos=" + qos + (retain ? " retain" : "") + " client=" + client + " "
                + payload.length + " bytes]";
    }
}
