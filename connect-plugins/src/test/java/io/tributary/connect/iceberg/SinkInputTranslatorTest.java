/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.SinkInput;
import io.tributary.record.MalformedMqttRecordException;
import io.tributary.record.MqttHeaderWriter;
import io.tributary.record.MqttRecord;
import io.tributary.record.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class SinkInputTranslatorTest {
    private static final MqttRecord MQTT = new MqttRecord(
            "site-1/device-2/temperature",
            "{\"reading\":21}".getBytes(StandardCharsets.UTF_8),
            2,
            true,
            "device-2",
            true,
            "application/json",
            null,
            "replies/device-2",
            new byte[] {1, 2},
            List.of(new UserProperty("unit", "celsius")));

    /** The record as ByteArrayConverter hands it over: key, value and every header as bytes. */
    private static SinkRecord asConnectRecord(MqttRecord mqtt) {
        RecordHeaders kafkaHeaders = new RecordHeaders();
        MqttHeaderWriter.write(mqtt, false, kafkaHeaders);
        ConnectHeaders headers = new ConnectHeaders();
        for (Header header : kafkaHeaders) {
            headers.addBytes(header.key(), header.value());
        }
        return new SinkRecord(
                "mqtt.messages",
                3,
                Schema.OPTIONAL_BYTES_SCHEMA,
                mqtt.topic().getBytes(StandardCharsets.UTF_8),
                Schema.OPTIONAL_BYTES_SCHEMA,
                mqtt.payload(),
                42L,
                1_767_225_600_000L,
                TimestampType.CREATE_TIME,
                headers);
    }

    @Test
    void aRecordInTheContractsFormReadsBackAsTheMqttMessageWithItsKafkaCoordinates() {
        SinkInput input = SinkInputTranslator.toSinkInput(asConnectRecord(MQTT));

        assertThat(input.mqtt()).isEqualTo(MQTT);
        assertThat(input.kafkaTopic()).isEqualTo("mqtt.messages");
        assertThat(input.partition()).isEqualTo(3);
        assertThat(input.offset()).isEqualTo(42L);
        assertThat(input.kafkaTimestampMs()).isEqualTo(1_767_225_600_000L);
    }

    @Test
    void aValueThatIsNotBytesIsRefusedNamingTheConverterToUse() {
        Schema schema =
                SchemaBuilder.struct().field("reading", Schema.INT32_SCHEMA).build();
        SinkRecord record = new SinkRecord(
                "mqtt.messages", 0, Schema.STRING_SCHEMA, "a/b", schema, new Struct(schema).put("reading", 1), 7L);

        assertThatThrownBy(() -> SinkInputTranslator.toSinkInput(record))
                .isInstanceOf(MalformedMqttRecordException.class)
                .hasMessageContaining("mqtt.messages-0@7")
                .hasMessageContaining("ByteArrayConverter");
    }
}
