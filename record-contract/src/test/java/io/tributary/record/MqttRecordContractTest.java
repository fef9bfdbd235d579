/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The record contract of docs/kafka-layout.md, as examples: headers written, and the view read back. */
class MqttRecordContractTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> consumerRecord(
            String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                key == null ? -1 : key.length,
                value == null ? -1 : value.length,
                key,
                value,
                headers,
                Optional.empty());
    }

    @Test
    void everyFieldSurvivesWriteThenRead() {
        MqttRecord written = new MqttRecord(
                "site/7/temp",
                utf8("21.5"),
                2,
                true,
                "sensor-7",
                true,
                "text/plain",
                1_700_000_060_000L,
                "reply/7",
                new byte[] {0, 1, (byte) 0xff},
                List.of(new UserProperty("unit", "C"), new UserProperty("unit", "K")));

        Headers headers = MqttHeaderWriter.write(written, false, new RecordHeaders());
        MqttRecord read = MqttRecordReader.read(
                consumerRecord("mqtt.messages", 0, 9, utf8("site/7/temp"), utf8("21.5"), headers));

        assertThat(read).isEqualTo(written);
        assertThat(headers.toArray())
                .extracting(Header::key)
                .containsExactly(
                        "mqtt.qos",
                        "mqtt.retain",
                        "mqtt.client",
                        "mqtt.payload.format",
                        "mqtt.content.type",
                        "mqtt.expiry",
                        "mqtt.response.topic",
                        "mqtt.correlation.data",
                        "unit",
                        "unit");
        assertThat(headers.lastHeader("mqtt.expiry").value()).isEqualTo(utf8("1700000060000"));
        assertThat(headers.lastHeader("mqtt.qos").value()).isEqualTo(utf8("2"));
    }

    @Test
    void defaultsAreLeftOutOfTheHeaders() {
        MqttRecord plain = new MqttRecord("a", new byte[0], 0, false, "c", false, null, null, null, null, List.of());

        Headers headers = MqttHeaderWriter.write(plain, false, new RecordHeaders());

        assertThat(headers.toArray()).extracting(Header::key).containsExactly("mqtt.qos", "mqtt.client");
    }

    @Test
    void userPropertyNamedLikeMetadataIsEscapedAndComesBackUnderItsOwnName() {
        Headers headers = new RecordHeaders();
        MqttHeaderWriter.addQos(headers, 1);
        MqttHeaderWriter.addUserProperty(headers, "mqtt.qos", "not the QoS");
        MqttHeaderWriter.addUserProperty(headers, "trace", "abc");

        assertThat(headers.toArray())
                .extracting(Header::key)
                .containsExactly("mqtt.qos", "mqtt.user.mqtt.qos", "trace");
        MqttRecord read = MqttRecordReader.read(utf8("t"), null, headers);
        assertThat(read.qos()).isEqualTo(1);
        assertThat(read.userProperties())
                .containsExactly(new UserProperty("mqtt.qos", "not the QoS"), new UserProperty("trace", "abc"));
    }

    @Test
    void escapeIsDecidedByTheNameAlone() {
        assertThat(MqttHeaders.userPropertyHeader("site")).isEqualTo("site");
        assertThat(MqttHeaders.userPropertyHeader("mqtt.x")).isEqualTo("mqtt.user.mqtt.x");
        assertThat(MqttHeaders.userPropertyName("site")).isEqualTo("site");
        assertThat(MqttHeaders.userPropertyName("mqtt.user.mqtt.x")).isEqualTo("mqtt.x");
        assertThat(MqttHeaders.userPropertyName("mqtt.client")).isNull();
        assertThat(MqttHeaders.userPropertyName("mqtt.some.future.header")).isNull();
    }

    @Test
    void plainKafkaRecordGetsTheDefaults() {
        MqttRecord read = MqttRecordReader.read(
                consumerRecord("mqtt.messages", 0, 0, utf8("plain/device/1"), null, new RecordHeaders()));

        assertThat(read.topic()).isEqualTo("plain/device/1");
        assertThat(read.qos()).isEqualTo(MqttHeaders.DEFAULT_QOS).isEqualTo(1);
        assertThat(read.retain()).isFalse();
        assertThat(read.client()).isNull();
        assertThat(read.payloadUtf8()).isFalse();
        assertThat(read.contentType()).isNull();
        assertThat(read.expiresAtMillis()).isNull();
        assertThat(read.responseTopic()).isNull();
        assertThat(read.correlationData()).isNull();
        assertThat(read.payload()).isEmpty();
        assertThat(read.userProperties()).isEmpty();
    }

    @Test
    void topicHeaderWinsOverTheKey() {
        Headers headers = new RecordHeaders();
        MqttHeaderWriter.addTopic(headers, "factory/d7/telemetry/temp");

        assertThat(MqttRecordReader.read(utf8("d7"), utf8("9"), headers).topic())
                .isEqualTo("factory/d7/telemetry/temp");
        assertThat(MqttRecordReader.read(utf8("d7"), utf8("9"), new RecordHeaders())
                        .topic())
                .isEqualTo("d7");
    }

    @Test
    void topicInHeaderIsWrittenOnlyWhenAsked() {
        MqttRecord message =
                new MqttRecord("a/b", new byte[0], 1, false, null, false, null, null, null, null, List.of());

        assertThat(MqttHeaderWriter.write(message, true, new RecordHeaders())
                        .lastHeader("mqtt.topic")
                        .value())
                .isEqualTo(utf8("a/b"));
        assertThat(MqttHeaderWriter.write(message, false, new RecordHeaders()).lastHeader("mqtt.topic"))
                .isNull();
    }

    @Test
    void recordWithoutKeyOrTopicHeaderIsRefusedNamingTheRecord() {
        assertThatThrownBy(() ->
                        MqttRecordReader.read(consumerRecord("telemetry", 4, 17, null, utf8("x"), new RecordHeaders())))
                .isInstanceOf(MalformedMqttRecordException.class)
                .hasMessageContaining("telemetry-4@17")
                .hasMessageContaining("mqtt.topic");
    }

    @Test
    void invalidQosIsRefusedNamingTheRecordAndTheValue() {
        Headers headers = new RecordHeaders().add("mqtt.qos", utf8("3"));

        assertThatThrownBy(() -> MqttRecordReader.read(consumerRecord("t", 4, 17, utf8("a"), null, headers)))
                .isInstanceOf(MalformedMqttRecordException.class)
                .hasMessage("record t-4@17: mqtt.qos is '3', expected 0, 1 or 2");
    }

    @Test
    void invalidExpiryIsRefused() {
        Headers headers = new RecordHeaders().add("mqtt.expiry", utf8("tomorrow"));

        assertThatThrownBy(() -> MqttRecordReader.read(utf8("a"), null, headers))
                .isInstanceOf(MalformedMqttRecordException.class)
                .hasMessageContaining("mqtt.expiry is 'tomorrow'");
    }

    @Test
    void lenientReadingsFallBackWhereStrictOnesRefuse() {
        assertThat(MqttHeaderValues.qosOrDefault(utf8("7"), 1)).isEqualTo(1);
        assertThat(MqttHeaderValues.qosOrDefault(utf8("0"), 1)).isZero();
        assertThat(MqttHeaderValues.expiryOrDefault(utf8("soon"), 0)).isZero();
        assertThat(MqttHeaderValues.isSet(utf8("true"))).isFalse();
        assertThat(MqttHeaderValues.isSet(utf8("1"))).isTrue();
        assertThat(MqttHeaderValues.isSet(null)).isFalse();
    }

    @Test
    void unknownMqttHeadersOfANewerBrokerAreIgnored() {
        Headers headers = new RecordHeaders().add("mqtt.some.future.header", utf8("x"));

        MqttRecord read = MqttRecordReader.read(utf8("a"), null, headers);

        assertThat(read.userProperties()).isEmpty();
    }
}
