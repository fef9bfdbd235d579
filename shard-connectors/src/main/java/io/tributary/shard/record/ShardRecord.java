/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.record;

import io.tributary.record.UserProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT view of one Kafka record in a shard (a topic-partition): what the broker received, plus
 * where it sits in Kafka. Build one with {@link ShardRecordParser}.
 *
 * @param expiry absolute message-expiry deadline in ms since epoch, or null when the PUBLISH had none
 */
public record ShardRecord(
        String kafkaTopic,
        int kafkaPartition,
        long offset,
        long timestamp,
        String mqttTopic,
        byte[] payload,
        int qos,
        boolean retain,
        @Nullable String client,
        boolean payloadUtf8,
        @Nullable String contentType,
        @Nullable Long expiry,
        @Nullable String responseTopic,
        byte @Nullable [] correlationData,
        List<UserProperty> userProperties) {

    public ShardRecord {
        Objects.requireNonNull(kafkaTopic, "kafkaTopic");
        Objects.requireNonNull(mqttTopic, "mqttTopic");
        Objects.requireNonNull(payload, "payload");
        userProperties = List.copyOf(userProperties);
    }

    /** The MQTT topic split at '/'; empty levels are kept, as MQTT treats them as distinct levels. */
    public List<String> topicLevels() {
        return new ArrayList<>(Arrays.asList(mqttTopic.split("/", -1)));
    }

    /** Rough size of the record's content, used for byte-based rotation before compression. */
    public long approximateSize() {
        long size = payload.length + mqttTopic.length() + 32L;
        for (UserProperty property : userProperties) {
            size += property.name().length() + property.value().length();
        }
        return size;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShardRecord that
                && kafkaPartition == that.kafkaPartition
                && offset == that.offset
                && timestamp == that.timestamp
                && qos == that.qos
                && retain == that.retain
                && payloadUtf8 == that.payloadUtf8
                && kafkaTopic.equals(that.kafkaTopic)
                && mqttTopic.equals(that.mqttTopic)
                && Arrays.equals(payload, that.payload)
                && Objects.equals(client, that.client)
                && Objects.equals(contentType, that.contentType)
                && Objects.equals(expiry, that.expiry)
                && Objects.equals(responseTopic, that.responseTopic)
                && Arrays.equals(correlationData, that.correlationData)
                && userProperties.equals(that.userProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kafkaTopic, kafkaPartition, offset, mqttTopic, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "ShardRecord[" + kafkaTopic + "-" + kafkaPartition + "@" + offset + " " + mqttTopic + " qos=" + qos + " "
                + payload.length + " bytes]";
    }
}
