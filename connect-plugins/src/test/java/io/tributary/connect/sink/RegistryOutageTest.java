/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.shard.storage.ShardStorage;
import io.tributary.shard.testing.MemoryShardStorage;
import io.tributary.shard.testing.RegistryPayloads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry that cannot answer is no bad record for the tiering task: put() asks Connect to deliver the
 * same records again after retry.backoff.ms, and once the registry answers they are tiered with their columns.
 * The registry is the JDK's HTTP server answering 503, then the schema; the store is in memory.
 */
class RegistryOutageTest {
    private static final String READING = """
            {"type": "record", "name": "Reading", "fields": [{"name": "temp", "type": "double"}]}""";
    private static final TopicPartition SHARD = new TopicPartition("mqtt.messages", 0);

    @TempDir
    Path buffer;

    private HttpServer registry;
    private volatile int status = 503;
    private final MemoryShardStorage storage = new MemoryShardStorage(false);
    private final List<Long> timeouts = new ArrayList<>();

    @BeforeEach
    void startRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/schemas/ids/", this::answer);
        registry.start();
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = status == 200
                ? "{\"schema\": \"" + READING.replace("\"", "\\\"").replace("\n", " ") + "\"}"
                : "{\"error_code\": 50301, \"message\": \"down for the test\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void recordsWaitingForTheRegistryAreRetriedNotDeadLettered() {
        TieringSinkTask task = new TieringSinkTask() {
            @Override
            protected ShardStorage openStorage(Map<String, String> props) {
                return storage;
            }
        };
        task.initialize(new Context());
        task.start(Map.of(
                "name", "registry-outage",
                "format", "parquet",
                "flush.size", "2",
                "local.buffer.dir", buffer.toString(),
                "retry.backoff.ms", "250",
                "schema.registry.url",
                        "http://127.0.0.1:" + registry.getAddress().getPort()));
        task.open(List.of(SHARD));
        List<SinkRecord> records = List.of(record(0), record(1));

        assertThrows(RetriableException.class, () -> task.put(records));
        assertEquals(List.of(250L), timeouts, "Connect waits retry.backoff.ms before delivering them again");

        status = 200;
        task.put(records);

        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(SHARD, new OffsetAndMetadata(2)));
        assertEquals(Map.of(SHARD, new OffsetAndMetadata(2)), committed);
        assertEquals(
                Set.of("topics/mqtt.messages/partition=0/mqtt.messages+0+00000000000000000000.schema-1.parquet"),
                storage.dataFiles().keySet());
        task.stop();
    }

    private static SinkRecord record(long offset) {
        return new SinkRecord(
                SHARD.topic(),
                SHARD.partition(),
                null,
                "site/dev".getBytes(StandardCharsets.UTF_8),
                null,
                RegistryPayloads.avro(1, READING, Map.of("temp", 20.0 + offset)),
                offset,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME);
    }

    /** What the task asks of Connect: back-off requests recorded, metrics accepted and dropped. */
    private final class Context implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return new HashMap<>();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {}

        @Override
        public void offset(TopicPartition partition, long offset) {}

        @Override
        public void timeout(long timeoutMs) {
            timeouts.add(timeoutMs);
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of(SHARD);
        }

        @Override
        public void pause(TopicPartition... partitions) {}

        @Override
        public void resume(TopicPartition... partitions) {}

        @Override
        public void requestCommit() {}

        @Override
        public PluginMetrics pluginMetrics() {
            return new PluginMetrics() {
                @Override
                public MetricName metricName(String name, String description, LinkedHashMap<String, String> tags) {
                    return new MetricName(name, "plugins", description, tags);
                }

                @Override
                public void addMetric(MetricName metricName, MetricValueProvider<?> provider) {}

                @Override
                public void removeMetric(MetricName metricName) {}

                @Override
                public Sensor addSensor(String name) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void removeSensor(String name) {}
            };
        }
    }
}
