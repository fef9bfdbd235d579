/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench.jmh;

import io.tributary.mqtt.schema.PayloadCheck;
import io.tributary.mqtt.schema.RegisteredSchema;
import io.tributary.mqtt.schema.SchemaBindings;
import io.tributary.mqtt.schema.SchemaFormat;
import io.tributary.mqtt.schema.SchemaSource;
import io.tributary.placement.Entity;
import io.tributary.placement.PlacementDelta;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event-loop cost of a schema binding per PUBLISH (SchemaBindings.check) on a 256-byte JSON payload: no
 * binding, JSON Schema validation, Avro validation, and Avro and Protobuf validate-and-encode into the Confluent
 * wire format.
 * It tells whether the check may run inline on the event loop (docs/performance.md, "Schema bindings").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchemaCheckBenchmark {

    static final String AVRO = "{\"type\":\"record\",\"name\":\"Telemetry\",\"fields\":["
            + "{\"name\":\"temp\",\"type\":\"double\"},{\"name\":\"humidity\",\"type\":\"double\"},"
            + "{\"name\":\"unit\",\"type\":\"string\"},{\"name\":\"device\",\"type\":\"string\"},"
            + "{\"name\":\"seq\",\"type\":\"long\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    static final String JSON = "{\"type\":\"object\",\"properties\":{"
            + "\"temp\":{\"type\":\"number\"},\"humidity\":{\"type\":\"number\",\"minimum\":0,\"maximum\":100},"
            + "\"unit\":{\"enum\":[\"C\",\"F\"]},\"device\":{\"type\":\"string\"},\"seq\":{\"type\":\"integer\"},"
            + "\"note\":{\"type\":\"string\"}},\"required\":[\"temp\",\"humidity\",\"unit\",\"device\",\"seq\"]}";

    static final String PROTO = "syntax = \"proto3\"; message Telemetry { double temp = 1; double humidity = 2;"
            + " string unit = 3; string device = 4; int64 seq = 5; optional string note = 6; }";

    private SchemaBindings bindings;
    private final byte[] payload = payload256();

    /** A device's reading padded (in its note) to exactly 256 bytes. */
    static byte[] payload256() {
        String head =
                "{\"temp\":21.5,\"humidity\":40.25,\"unit\":\"C\",\"device\":\"dev-17\",\"seq\":123456,\"note\":\"";
        String tail = "\"}";
        return (head + "x".repeat(256 - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    @Setup(Level.Trial)
    public void bind() {
        Map<String, RegisteredSchema> subjects = Map.of(
                "json-value", new RegisteredSchema(1, "json-value", 1, SchemaFormat.JSON, JSON),
                "avro-value", new RegisteredSchema(2, "avro-value", 1, SchemaFormat.AVRO, AVRO),
                "proto-value", new RegisteredSchema(3, "proto-value", 1, SchemaFormat.PROTOBUF, PROTO));
        bindings = new SchemaBindings(
                new SchemaSource() {
                    @Override
                    public RegisteredSchema latest(String subject) {
                        return subjects.get(subject);
                    }

                    @Override
                    public RegisteredSchema byId(int id) {
                        return subjects.values().stream()
                                .filter(s -> s.id() == id)
                                .findFirst()
                                .orElseThrow();
                    }
                },
                3_600_000,
                3_600_000);
        PlacementDelta delta = new PlacementDelta(PlacementImage.EMPTY);
        put(delta, new Entity.Schema("json", 1, "json/#", "json-value", "json", "validate", null, null), 0);
        put(delta, new Entity.Schema("avro", 1, "avro/#", "avro-value", "avro", "validate", null, null), 1);
        put(delta, new Entity.Schema("enc", 1, "enc/#", "avro-value", "avro", "validate-and-encode", null, null), 2);
        put(delta, new Entity.Schema("pb", 1, "pb/#", "proto-value", "protobuf", "validate-and-encode", null, null), 3);
        bindings.apply(delta.apply());
        bindings.loadAll();
        for (String topic : new String[] {"json/a", "avro/a", "enc/a", "pb/a"}) {
            if (!bindings.check(topic, payload).accepted()) {
                throw new IllegalStateException("payload refused on " + topic);
            }
        }
    }

    private static void put(PlacementDelta delta, Entity.Schema s, long offset) {
        delta.replay(PlacementKey.of(s), s, offset);
    }

    @TearDown
    public void close() {
        bindings.close();
    }

    @Benchmark
    public PayloadCheck noBinding() {
        return bindings.check("plain/a", payload);
    }

    @Benchmark
    public PayloadCheck validateJsonSchema() {
        return bindings.check("json/a", payload);
    }

    @Benchmark
    public PayloadCheck validateAvro() {
        return bindings.check("avro/a", payload);
    }

    @Benchmark
    public PayloadCheck validateAndEncodeAvro() {
        return bindings.check("enc/a", payload);
    }

    @Benchmark
    public PayloadCheck validateAndEncodeProtobuf() {
        return bindings.check("pb/a", payload);
    }
}
