/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import io.tributary.record.MqttHeaders;
import io.tributary.shard.record.MalformedShardRecordException;
import io.tributary.shard.record.RecordHeader;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.record.ShardRecordParser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Records as Tributary's broker writes them, for tests. */
public final class ShardRecords {
    private ShardRecords() {}

    /** A UTF-8 PUBLISH from client "dev-N" on topic site-(n%sites)/dev-n. */
    public static ShardRecord publish(
            String kafkaTopic, int partition, long offset, long timestamp, String mqttTopic, String payload) {
        try {
            return ShardRecordParser.parse(
                    kafkaTopic,
                    partition,
                    offset,
                    timestamp,
                    mqttTopic.getBytes(StandardCharsets.UTF_8),
                    payload.getBytes(StandardCharsets.UTF_8),
                    List.of(
                            header(MqttHeaders.QOS, "1"),
                            header(MqttHeaders.CLIENT, "client-" + offset),
                            header(MqttHeaders.PAYLOAD_FORMAT, "1"),
                            header("unit", "celsius")));
        } catch (MalformedShardRecordException e) {
            throw new AssertionError(e);
        }
    }

    /** A binary PUBLISH (no payload format indicator) from client "client-OFFSET", e.g. a wire-format payload. */
    public static ShardRecord publish(
            String kafkaTopic, int partition, long offset, long timestamp, String mqttTopic, byte[] payload) {
        try {
            return ShardRecordParser.parse(
                    kafkaTopic,
                    partition,
                    offset,
                    timestamp,
                    mqttTopic.getBytes(StandardCharsets.UTF_8),
                    payload,
                    List.of(header(MqttHeaders.QOS, "1"), header(MqttHeaders.CLIENT, "client-" + offset)));
        } catch (MalformedShardRecordException e) {
            throw new AssertionError(e);
        }
    }

    public static RecordHeader header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
