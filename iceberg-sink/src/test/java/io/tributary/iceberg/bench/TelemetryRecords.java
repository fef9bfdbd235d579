/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.bench;

import io.tributary.record.MqttHeaderWriter;
import io.tributary.record.MqttRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records as a broker node writes them (record contract: key = MQTT topic, MQTT headers from {@link
 * MqttHeaderWriter}) for 50 devices on 5 sites publishing {@code sensors/<site>/<device>/telemetry} with a JSON
 * payload of six fields, padded to {@link #PAYLOAD_BYTES}.
 */
final class TelemetryRecords {
    static final int PAYLOAD_BYTES = 256;
    static final int DEVICES = 50;
    static final int SITES = 5;

    private TelemetryRecords() {}

    static String mqttTopic(long seq) {
        long device = seq % DEVICES;
        return "sensors/site-" + (device % SITES) + "/device-" + device + "/telemetry";
    }

    /** {"seq", "ts", "temperature", "humidity", "status", "firmware"}: the last one pads to the payload size. */
    static byte[] payload(long seq, long nowMs) {
        String head = "{\"seq\":" + seq + ",\"ts\":" + nowMs + ",\"temperature\":" + (180 + seq % 120) / 10.0
                + ",\"humidity\":" + (300 + seq % 500) / 10.0 + ",\"status\":\"" + (seq % 97 == 0 ? "alarm" : "ok")
                + "\",\"firmware\":\"fw-2.4.1 ";
        String tail = "\"}";
        int pad = Math.max(0, PAYLOAD_BYTES - head.length() - tail.length());
        return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
    }

    static ProducerRecord<byte[], byte[]> record(String kafkaTopic, long seq) {
        String topic = mqttTopic(seq);
        MqttRecord mqtt = new MqttRecord(
                topic,
                payload(seq, System.currentTimeMillis()),
                1,
                false,
                "device-" + (seq % DEVICES),
                true,
                null,
                null,
                null,
                null,
                List.of());
        // Partition 0 and no timestamp: the producer stamps CreateTime at send, as a broker node does on receipt.
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(kafkaTopic, 0, null, topic.getBytes(StandardCharsets.UTF_8), mqtt.payload());
        MqttHeaderWriter.write(mqtt, false, record.headers());
        return record;
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG,
                        String.valueOf(lingerMs),
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        String.valueOf(256 * 1024),
                        ProducerConfig.ACKS_CONFIG,
                        "1"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** As fast as the producer takes them. */
    static void produce(String bootstrap, String kafkaTopic, int records) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 20)) {
            for (int seq = 0; seq < records; seq++) {
                producer.send(record(kafkaTopic, seq));
            }
            producer.flush();
        }
    }

    /** At a steady {@code perSecond}, each record sent at its own slot (not in bursts); returns how many. */
    static long produceAtRate(String bootstrap, String kafkaTopic, int perSecond, int seconds) {
        long total = (long) perSecond * seconds;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 0)) {
            long start = System.nanoTime();
            for (long seq = 0; seq < total; seq++) {
                long due = start + seq * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                producer.send(record(kafkaTopic, seq));
            }
            producer.flush();
        }
        return total;
    }
}
