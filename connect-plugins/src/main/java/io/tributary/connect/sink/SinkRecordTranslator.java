/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.sink;

import io.tributary.record.MalformedMqttRecordException;
import io.tributary.shard.record.MalformedShardRecordException;
import io.tributary.shard.record.RecordHeader;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.record.ShardRecordParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.jspecify.annotations.Nullable;

/**
 * Turns a Connect record back into the Kafka record Tributary wrote. With ByteArrayConverter for key,
 * value and headers everything arrives as bytes; strings (SimpleHeaderConverter) are accepted too. Every
 * sink of the plugin (S3, HDFS, Iceberg) reads records through {@link #kafkaForm}.
 */
public final class SinkRecordTranslator {
    private SinkRecordTranslator() {}

    /** A record's key, value and headers as the bytes the producer wrote. */
    public record KafkaForm(byte @Nullable [] key, byte @Nullable [] value, List<RecordHeader> headers) {}

    /** @throws MalformedMqttRecordException when a part is not bytes (a converter other than ByteArrayConverter) */
    public static KafkaForm kafkaForm(SinkRecord record) {
        List<RecordHeader> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new RecordHeader(header.key(), bytes(header.value(), record, "header " + header.key())));
        }
        return new KafkaForm(bytes(record.key(), record, "key"), bytes(record.value(), record, "value"), headers);
    }

    static ShardRecord toShardRecord(SinkRecord record) throws MalformedShardRecordException {
        KafkaForm form;
        try {
            form = kafkaForm(record);
        } catch (MalformedMqttRecordException e) {
            throw new MalformedShardRecordException(e.getMessage(), e);
        }
        return ShardRecordParser.parse(
                record.originalTopic(),
                record.originalKafkaPartition(),
                record.originalKafkaOffset(),
                record.timestamp() == null ? 0L : record.timestamp(),
                form.key(),
                form.value(),
                form.headers());
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

    /** {@code topic-partition@offset} of the record, for messages. */
    public static String describe(SinkRecord record) {
        return record.originalTopic() + "-" + record.originalKafkaPartition() + "@" + record.originalKafkaOffset();
    }
}
