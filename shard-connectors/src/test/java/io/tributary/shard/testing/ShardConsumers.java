/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The plain consumer the sink benchmarks measure against, and how they count a record's bytes. */
public final class ShardConsumers {

    private ShardConsumers() {}

    /** A consumer of partition 0 of {@code topic}, from its beginning, with large fetches. */
    public static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrap, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        "2000",
                        ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
                        String.valueOf(16 * 1024 * 1024)),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    /** Key, value and header bytes of a record. */
    public static long size(ConsumerRecord<byte[], byte[]> record) {
        long size =
                (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }
}
