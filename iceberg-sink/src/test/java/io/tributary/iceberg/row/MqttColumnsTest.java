/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static io.tributary.iceberg.row.RowFixtures.TIMESTAMP;
import static io.tributary.iceberg.row.RowFixtures.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.SinkInput;
import io.tributary.record.MqttRecord;
import io.tributary.record.UserProperty;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class MqttColumnsTest {

    private static final RowSettings LEVELS = new RowSettings(
            List.of("site", "device", "metric"),
            true,
            RowSettings.PayloadFormat.NONE,
            RowSettings.NonJsonPayload.RAW_ONLY,
            "",
            false);

    @Test
    void anMqtt5RecordFillsEveryColumn() {
        MqttRecord mqtt = new MqttRecord(
                "plant1/press7/temperature",
                "21.5".getBytes(StandardCharsets.UTF_8),
                2,
                true,
                "press7",
                true,
                "text/plain",
                TIMESTAMP + 60_000,
                "plant1/press7/replies",
                new byte[] {0, 1, (byte) 0xff},
                List.of(new UserProperty("unit", "C"), new UserProperty("line", "a")));
        RowConverter converter = new RowConverter(LEVELS);

        GenericRecord row = row(converter, new SinkInput("iot.raw", 3, 1234, TIMESTAMP, mqtt));

        OffsetDateTime time = OffsetDateTime.of(2023, 11, 14, 22, 13, 20, 123_000_000, ZoneOffset.UTC);
        assertThat(row.getField("topic")).isEqualTo("plant1/press7/temperature");
        assertThat(row.getField("site")).isEqualTo("plant1");
        assertThat(row.getField("device")).isEqualTo("press7");
        assertThat(row.getField("metric")).isEqualTo("temperature");
        assertThat(row.getField("client_id")).isEqualTo("press7");
        assertThat(row.getField("qos")).isEqualTo(2);
        assertThat(row.getField("retain")).isEqualTo(true);
        assertThat(row.getField("publish_ts")).isEqualTo(time);
        assertThat(row.getField("kafka_ts")).isEqualTo(time);
        assertThat(row.getField("kafka_topic")).isEqualTo("iot.raw");
        assertThat(row.getField("kafka_partition")).isEqualTo(3);
        assertThat(row.getField("kafka_offset")).isEqualTo(1234L);
        assertThat(row.getField("content_type")).isEqualTo("text/plain");
        assertThat(row.getField("response_topic")).isEqualTo("plant1/press7/replies");
        assertThat(row.getField("correlation_data")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff}));
        assertThat(row.getField("user_properties")).isEqualTo(Map.of("unit", "C", "line", "a"));
        assertThat(row.getField("payload")).isEqualTo(ByteBuffer.wrap("21.5".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aPlainKafkaRecordGetsTheContractsDefaults() {
        GenericRecord row = row(new RowConverter(RowSettings.DEFAULTS), plain("sensors/room1", "on"));

        assertThat(row.getField("topic")).isEqualTo("sensors/room1");
        assertThat(row.getField("qos")).isEqualTo(1);
        assertThat(row.getField("retain")).isEqualTo(false);
        assertThat(row.getField("client_id")).isNull();
        assertThat(row.getField("content_type")).isNull();
        assertThat(row.getField("response_topic")).isNull();
        assertThat(row.getField("correlation_data")).isNull();
        assertThat(row.getField("user_properties")).isEqualTo(Map.of());
        assertThat(row.getField("kafka_offset")).isEqualTo(42L);
    }

    @Test
    void theBaseSchemaHasStableNamesAndTypes() {
        Schema schema = new RowConverter(LEVELS).baseSchema();

        assertThat(schema.columns().stream().map(Types.NestedField::name))
                .containsExactly(
                        "topic",
                        "site",
                        "device",
                        "metric",
                        "client_id",
                        "qos",
                        "retain",
                        "publish_ts",
                        "kafka_ts",
                        "kafka_topic",
                        "kafka_partition",
                        "kafka_offset",
                        "content_type",
                        "response_topic",
                        "correlation_data",
                        "user_properties",
                        "payload");
        assertThat(schema.findType("publish_ts")).isEqualTo(Types.TimestampType.withZone());
        assertThat(schema.findType("kafka_ts")).isEqualTo(Types.TimestampType.withZone());
        assertThat(schema.findType("correlation_data")).isEqualTo(Types.BinaryType.get());
        assertThat(schema.findType("user_properties").isMapType()).isTrue();
        assertThat(schema.findField("topic").isRequired()).isTrue();
        assertThat(schema.findField("site").isOptional()).isTrue();
    }

    @Test
    void theTimestampIsTheRecordsInstantInUtc() {
        long[] millis = {0, 1, 999, 1000, 86_399_999, 86_400_000, 1_764_892_800_123L, 253_402_300_799_999L};
        for (long ms : millis) {
            SinkInput input = new SinkInput("t", 0, 0, ms, plain("a", "").mqtt());
            assertThat(MqttColumns.timestamp(input))
                    .isEqualTo(OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(ms), ZoneOffset.UTC));
        }
    }

    @Test
    void topicLevelsBeyondTheListAreIgnoredAndMissingOnesNull() {
        RowConverter converter = new RowConverter(LEVELS);

        GenericRecord deep = row(converter, plain("a/b/c/d/e", ""));
        assertThat(List.of(deep.getField("site"), deep.getField("device"), deep.getField("metric")))
                .containsExactly("a", "b", "c");

        GenericRecord shallow = row(converter, plain("a", ""));
        assertThat(shallow.getField("site")).isEqualTo("a");
        assertThat(shallow.getField("device")).isNull();
        assertThat(shallow.getField("metric")).isNull();

        GenericRecord empty = row(converter, plain("/x//", ""));
        assertThat(List.of(empty.getField("site"), empty.getField("device"), empty.getField("metric")))
                .containsExactly("", "x", "");
    }

    @Test
    void unicodeTopicsSplitByCharacterNotByte() {
        GenericRecord row = row(new RowConverter(LEVELS), plain("工場/プレス7/température", ""));

        assertThat(row.getField("site")).isEqualTo("工場");
        assertThat(row.getField("device")).isEqualTo("プレス7");
        assertThat(row.getField("metric")).isEqualTo("température");
    }

    @Test
    void theRawPayloadCanBeTurnedOff() {
        RowSettings noPayload = new RowSettings(
                List.of(), false, RowSettings.PayloadFormat.NONE, RowSettings.NonJsonPayload.RAW_ONLY, "", false);
        RowConverter converter = new RowConverter(noPayload);

        assertThat(converter.baseSchema().findField("payload")).isNull();
        assertThat(row(converter, plain("a", "secret")).struct().field("payload"))
                .isNull();
    }

    @Test
    void aRecordWithoutTimestampHasNullTimes() {
        SinkInput input = new SinkInput("t", 0, 0, -1, plain("a", "").mqtt());

        GenericRecord row = row(new RowConverter(RowSettings.DEFAULTS), input);

        assertThat(row.getField("publish_ts")).isNull();
        assertThat(row.getField("kafka_ts")).isNull();
    }

    @Test
    void aRepeatedUserPropertyKeepsItsLastValue() {
        MqttRecord mqtt = new MqttRecord(
                "a",
                new byte[0],
                1,
                false,
                null,
                false,
                null,
                null,
                null,
                null,
                List.of(new UserProperty("k", "1"), new UserProperty("k", "2")));

        GenericRecord row = row(new RowConverter(RowSettings.DEFAULTS), new SinkInput("t", 0, 0, 0, mqtt));

        assertThat(row.getField("user_properties")).isEqualTo(Map.of("k", "2"));
    }

    @Test
    void aTableLackingAnMqttColumnGetsItAdded() {
        Schema narrow = new Schema(Types.NestedField.required(1, "topic", Types.StringType.get()));
        RowConverter converter = new RowConverter(LEVELS);

        Conversion conversion = converter.convert(plain("a/b", ""), narrow);

        assertThat(conversion).isInstanceOf(SchemaPlan.class);
        assertThat(((SchemaPlan) conversion).changes())
                .extracting(SchemaPlan.SchemaChange::path)
                .contains("site", "client_id", "kafka_offset", "payload")
                .doesNotContain("topic");
        GenericRecord row = RowFixtures.write(converter, RowFixtures.table(narrow), plain("a/b", ""));
        assertThat(row.getField("device")).isEqualTo("b");
    }

    @Test
    void anMqttColumnOfAnotherTypeRejectsEveryRecord() {
        Schema wrong = new Schema(Types.NestedField.optional(1, "qos", Types.StringType.get()));

        Conversion conversion = new RowConverter(RowSettings.DEFAULTS).convert(plain("a", ""), wrong);

        assertThat(conversion).isInstanceOf(Conversion.Rejected.class);
        assertThat(((Conversion.Rejected) conversion).reason()).contains("column 'qos' is string");
    }

    @Test
    void aRequiredLevelColumnRejectsATopicWithoutThatLevel() {
        Schema keyed = new Schema(
                Types.NestedField.required(1, "topic", Types.StringType.get()),
                Types.NestedField.required(2, "site", Types.StringType.get()),
                Types.NestedField.required(3, "device", Types.StringType.get()));
        RowSettings settings = new RowSettings(
                List.of("site", "device"),
                false,
                RowSettings.PayloadFormat.NONE,
                RowSettings.NonJsonPayload.RAW_ONLY,
                "",
                false);
        RowConverter converter = new RowConverter(settings);
        org.apache.iceberg.Table table = RowFixtures.table(keyed);
        RowFixtures.write(converter, table, plain("s1/d1", ""));

        Conversion conversion = converter.convert(plain("s1", ""), table.schema());

        assertThat(conversion).isInstanceOf(Conversion.Rejected.class);
        assertThat(((Conversion.Rejected) conversion).reason()).contains("'device' is required");
    }

    @Test
    void levelNamesAreChecked() {
        assertThatThrownBy(() -> settingsWithLevels(List.of("site", "site"))).hasMessageContaining("twice");
        assertThatThrownBy(() -> settingsWithLevels(List.of("topic"))).hasMessageContaining("MQTT column");
        assertThatThrownBy(() -> settingsWithLevels(List.of("a.b"))).hasMessageContaining("'.'");
        assertThatThrownBy(() -> settingsWithLevels(List.of(" "))).hasMessageContaining("empty");
    }

    private static RowSettings settingsWithLevels(List<String> levels) {
        return new RowSettings(
                levels, true, RowSettings.PayloadFormat.NONE, RowSettings.NonJsonPayload.RAW_ONLY, "", false);
    }

    private static GenericRecord row(RowConverter converter, SinkInput input) {
        Conversion conversion = converter.convert(input, converter.baseSchema());
        assertThat(conversion).isInstanceOf(Conversion.Row.class);
        return ((Conversion.Row) conversion).record();
    }
}
