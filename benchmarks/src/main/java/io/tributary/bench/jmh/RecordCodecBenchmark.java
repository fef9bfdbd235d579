/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench.jmh;

import io.tributary.mqtt.kafka.MessageRecordCodec;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MQTT message ⇄ Kafka record, the per-message work on both paths. Baseline: a bare ProducerRecord with the
 * same key and value and no headers, in the same run — the cost our headers add on top of Kafka's own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordCodecBenchmark {

    private final byte[] payload = new byte[256];
    private final byte[] key = "factory/line-3/dev-17/temp".getBytes(StandardCharsets.UTF_8);
    private final Message v3 =
            new Message("factory/line-3/dev-17/temp", payload, 1, false, "dev-17", MessageProperties.NONE);
    private final Message v5 = new Message(
            "factory/line-3/dev-17/temp",
            payload,
            1,
            false,
            "dev-17",
            new MessageProperties(
                    true,
                    "application/json",
                    0,
                    null,
                    null,
                    List.of(new MessageProperties.UserProperty("site", "berlin"))));
    private final Headers v5Headers = MessageRecordCodec.headers(v5, false);

    @Benchmark
    public ProducerRecord<byte[], byte[]> baselineBareRecord() {
        return new ProducerRecord<>("mqtt.messages", key, payload);
    }

    @Benchmark
    public ProducerRecord<byte[], byte[]> encodeMqtt311() {
        return new ProducerRecord<>("mqtt.messages", null, key, payload, MessageRecordCodec.headers(v3, false));
    }

    @Benchmark
    public ProducerRecord<byte[], byte[]> encodeMqtt5() {
        return new ProducerRecord<>("mqtt.messages", null, key, payload, MessageRecordCodec.headers(v5, false));
    }

    @Benchmark
    public Message decodeMqtt5() {
        return MessageRecordCodec.decode("factory/line-3/dev-17/temp", payload, v5Headers, 1);
    }
}
