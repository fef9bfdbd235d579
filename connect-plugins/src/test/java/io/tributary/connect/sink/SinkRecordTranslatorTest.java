/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.record.UserProperty;
import io.tributary.shard.record.MalformedShardRecordException;
import io.tributary.shard.record.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class SinkRecordTranslatorTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void byteArrayConvertedRecordBecomesTheMqttMessageTheBrokerStored() throws Exception {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("mqtt.qos", utf8("2"));
        headers.addBytes("mqtt.client", utf8("sensor-1"));
        headers.addBytes("unit", utf8("C"));
        SinkRecord record = new SinkRecord(
                "mqtt.messages",
                3,
                Schema.OPTIONAL_BYTES_SCHEMA,
                utf8("a/b"),
                Schema.OPTIONAL_BYTES_SCHEMA,
                utf8("21.5"),
                77L,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                headers);

        ShardRecord shard = SinkRecordTranslator.toShardRecord(record);

        assertEquals("mqtt.messages", shard.kafkaTopic());
        assertEquals(3, shard.kafkaPartition());
        assertEquals(77L, shard.offset());
        assertEquals(1_700_000_000_000L, shard.timestamp());
        assertEquals("a/b", shard.mqttTopic());
        assertEquals(2, shard.qos());
        assertEquals("sensor-1", shard.client());
        assertEquals(List.of(new UserProperty("unit", "C")), shard.userProperties());
        assertEquals("21.5", new String(shard.payload(), StandardCharsets.UTF_8));
    }

    @Test
    void stringHeadersFromTheSimpleHeaderConverterAreAcceptedToo() throws Exception {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("mqtt.qos", "0");
        SinkRecord record =
                new SinkRecord("t", 0, null, "a/b", null, utf8("x"), 1L, 5L, TimestampType.CREATE_TIME, headers);

        assertEquals(0, SinkRecordTranslator.toShardRecord(record).qos());
    }

    @Test
    void structuredValueExplainsWhichConverterToUse() {
        SinkRecord record = new SinkRecord("t", 1, null, utf8("a"), null, 42, 9L);

        MalformedShardRecordException error =
                assertThrows(MalformedShardRecordException.class, () -> SinkRecordTranslator.toShardRecord(record));

        assertTrue(error.getMessage().contains("t-1@9"), error.getMessage());
        assertTrue(error.getMessage().contains("ByteArrayConverter"), error.getMessage());
    }
}
