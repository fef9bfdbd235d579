/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg;

import io.tributary.record.MqttRecord;
import java.util.Objects;

/**
 * One Kafka record as the Iceberg sink sees it: where it sits in Kafka, and the MQTT message it holds.
 * The row converter turns it into a table row; the writer keeps its coordinates for exactly-once commits.
 *
 * @param kafkaTopic       the Kafka topic the record was read from
 * @param partition        its partition
 * @param offset           its offset in that partition
 * @param kafkaTimestampMs the record timestamp, ms since the epoch; for records written by a broker node this is
 *                         CreateTime, when the node received the PUBLISH (docs/kafka-layout.md)
 * @param mqtt             the MQTT message, as {@link io.tributary.record.MqttRecordReader} read it
 */
public record SinkInput(String kafkaTopic, int partition, long offset, long kafkaTimestampMs, MqttRecord mqtt) {

    public SinkInput {
        Objects.requireNonNull(kafkaTopic, "kafkaTopic");
        Objects.requireNonNull(mqtt, "mqtt");
    }

    @Override
    public String toString() {
        return kafkaTopic + "-" + partition + "@" + offset + " " + mqtt;
    }
}
