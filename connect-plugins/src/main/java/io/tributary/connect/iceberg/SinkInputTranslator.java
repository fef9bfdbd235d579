/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.iceberg;

import io.tributary.iceberg.SinkInput;
import io.tributary.record.MalformedMqttRecordException;
import io.tributary.record.MqttRecord;
import io.tributary.record.MqttRecordReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.jspecify.annotations.Nullable;

/**
 * Turns a Connect record back into the Kafka record a broker node wrote and reads its MQTT message with the
 * record contract's reader. With ByteArrayConverter for key, value and headers everything arrives as bytes;
 * strings (StringConverter, SimpleHeaderConverter) are accepted too, as by the S3 and HDFS sinks.
 */
final class SinkInputTranslator {
    private SinkInputTranslator() {}

    /** @throws MalformedMqttRecordException when the record breaks the record contract or is not bytes */
    static SinkInput toSinkInput(SinkRecord record) {
        List<RecordHeader> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new RecordHeader(header.key(), bytes(header.value(), record, "header " + header.key())));
        }
        MqttRecord mqtt = MqttRecordReader.read(
                bytes(record.key(), record, "key"), bytes(record.value(), record, "value"), headers);
        return new SinkInput(
                record.originalTopic(),
                record.originalKafkaPartition(),
                record.originalKafkaOffset(),
                record.timestamp() == null ? 0L : record.timestamp(),
                mqtt);
    }

    private static byte @Nullable [] bytes(@Nullable Object value, SinkRecord record, String what) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        throw new MalformedMqttRecordException("record " + describe(record) + " has a " + what + " of type "
                + value.getClass().getSimpleName() + "; configure "
                + "org.apache.kafka.connect.converters.ByteArrayConverter as key, value and header converter");
    }

    static String describe(SinkRecord record) {
        return record.originalTopic() + "-" + record.originalKafkaPartition() + "@" + record.originalKafkaOffset();
    }
}
