/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.iceberg;

import io.tributary.connect.sink.SinkRecordTranslator;
import io.tributary.iceberg.SinkInput;
import io.tributary.record.MalformedMqttRecordException;
import io.tributary.record.MqttRecord;
import io.tributary.record.MqttRecordReader;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a Connect record back into the Kafka record a broker node wrote and reads its MQTT message with the
 * record contract's reader. With ByteArrayConverter for key, value and headers everything arrives as bytes;
 * strings are accepted too; the conversion is {@link SinkRecordTranslator#kafkaForm}, shared with the S3 and HDFS sinks.
 */
final class SinkInputTranslator {
    private SinkInputTranslator() {}

    /** @throws MalformedMqttRecordException when the record breaks the record contract or is not bytes */
    static SinkInput toSinkInput(SinkRecord record) {
        SinkRecordTranslator.KafkaForm form = SinkRecordTranslator.kafkaForm(record);
        MqttRecord mqtt = MqttRecordReader.read(form.key(), form.value(), form.headers());
        return new SinkInput(
                record.originalTopic(),
                record.originalKafkaPartition(),
                record.originalKafkaOffset(),
                record.timestamp() == null ? 0L : record.timestamp(),
                mqtt);
    }

    static String describe(SinkRecord record) {
        return SinkRecordTranslator.describe(record);
    }
}
