/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.record;

import static io.tributary.shard.testing.ShardRecords.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.record.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardRecordParserTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryMqttHeaderOfTheRecordContract() throws Exception {
        ShardRecord record = ShardRecordParser.parse(
                "mqtt.messages",
                3,
                42,
                1_700_000_000_000L,
                utf8("site/7/temp"),
                utf8("21.5"),
                List.of(
                        header("mqtt.qos", "2"),
                        header("mqtt.retain", "1"),
                        header("mqtt.client", "sensor-7"),
                        header("mqtt.payload.format", "1"),
                        header("mqtt.content.type", "text/plain"),
                        header("mqtt.expiry", "1700000060000"),
                        header("mqtt.response.topic", "reply/7"),
                        new RecordHeader("mqtt.correlation.data", new byte[] {0, 1, (byte) 0xff}),
                        header("unit", "C"),
                        header("unit", "K"),
                        header("mqtt.user.mqtt.trace", "abc")));

        assertEquals("site/7/temp", record.mqttTopic());
        assertEquals(List.of("site", "7", "temp"), record.topicLevels());
        assertEquals(2, record.qos());
        assertTrue(record.retain());
        assertEquals("sensor-7", record.client());
        assertTrue(record.payloadUtf8());
        assertEquals("text/plain", record.contentType());
        assertEquals(1_700_000_060_000L, record.expiry());
        assertEquals("reply/7", record.responseTopic());
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, record.correlationData());
        assertEquals(
                List.of(
                        new UserProperty("unit", "C"),
                        new UserProperty("unit", "K"),
                        new UserProperty("mqtt.trace", "abc")),
                record.userProperties());
        assertEquals("21.5", new String(record.payload(), StandardCharsets.UTF_8));
        assertEquals(42, record.offset());
        assertEquals(1_700_000_000_000L, record.timestamp());
    }

    @Test
    void plainKafkaRecordGetsDefaults() throws Exception {
        ShardRecord record = ShardRecordParser.parse("t", 0, 0, 5, utf8("a/b"), null, List.of());

        assertEquals("a/b", record.mqttTopic());
        assertEquals(1, record.qos());
        assertNull(record.client());
        assertFalse(record.retain());
        assertFalse(record.payloadUtf8());
        assertEquals(0, record.payload().length);
        assertTrue(record.userProperties().isEmpty());
    }

    @Test
    void topicHeaderWinsOverAKeyThatAMappingRuleExtracted() throws Exception {
        ShardRecord record = ShardRecordParser.parse(
                "t", 0, 0, 5, utf8("device-9"), utf8("x"), List.of(header("mqtt.topic", "fleet/device-9/gps")));

        assertEquals("fleet/device-9/gps", record.mqttTopic());
    }

    @Test
    void keepsEmptyTopicLevels() throws Exception {
        ShardRecord record = ShardRecordParser.parse("t", 0, 0, 5, utf8("/a//b/"), null, List.of());

        assertEquals(List.of("", "a", "", "b", ""), record.topicLevels());
    }

    @Test
    void rejectsAnInvalidQosNamingTheRecord() {
        MalformedShardRecordException error = assertThrows(
                MalformedShardRecordException.class,
                () -> ShardRecordParser.parse("t", 4, 17, 5, utf8("a"), null, List.of(header("mqtt.qos", "3"))));

        assertTrue(error.getMessage().contains("t-4@17"), error.getMessage());
    }

    @Test
    void rejectsARecordWithoutAnyTopic() {
        assertThrows(
                MalformedShardRecordException.class,
                () -> ShardRecordParser.parse("t", 0, 1, 5, null, utf8("x"), List.of()));
    }
}
