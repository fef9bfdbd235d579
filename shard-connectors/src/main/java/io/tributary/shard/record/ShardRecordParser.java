/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.record;

import io.tributary.record.MalformedMqttRecordException;
import io.tributary.record.MqttRecord;
import io.tributary.record.MqttRecordReader;
import org.jspecify.annotations.Nullable;

/**
 * A shard's record by the record contract (read by {@link MqttRecordReader} of the record-contract module),
 * placed where it sits in Kafka.
 */
public final class ShardRecordParser {

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
        MqttRecord mqtt;
        try {
            mqtt = MqttRecordReader.read(key, value, headers);
        } catch (MalformedMqttRecordException e) {
            throw new MalformedShardRecordException(
                    "record " + kafkaTopic + "-" + kafkaPartition + "@" + offset + ": " + e.getMessage(), e);
        }
        return new ShardRecord(
                kafkaTopic,
                kafkaPartition,
                offset,
                timestamp,
                mqtt.topic(),
                mqtt.payload(),
                mqtt.qos(),
                mqtt.retain(),
                mqtt.client(),
                mqtt.payloadUtf8(),
                mqtt.contentType(),
                mqtt.expiresAtMillis(),
                mqtt.responseTopic(),
                mqtt.correlationData(),
                mqtt.userProperties());
    }
}
