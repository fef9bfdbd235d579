/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.shard.testing.ApicurioRegistryProcess;
import io.tributary.shard.testing.RegistryPayloads;
import io.tributary.shard.testing.S3ProxyProcess;
import io.tributary.shard.testing.TieredFileReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 sink from the plugin archive, in a real Connect worker, with a real schema registry (Apicurio): records in
 * the Confluent wire format of two versions of an Avro subject land in Parquet files of their own version, with its
 * typed columns. What shard-connectors' RegistryColumnsIT checks in depth, here through the packaged plugin (its
 * lib/ must hold the registry client module).
 */
class TieringRegistryColumnsIT {
    private static final String BUCKET = "registry-tiering";
    private static final String READING_V1 = """
            {"type": "record", "name": "Reading", "fields": [{"name": "temp", "type": "double"}]}""";
    private static final String READING_V2 = """
            {"type": "record", "name": "Reading", "fields": [
              {"name": "temp", "type": "double"}, {"name": "humidity", "type": ["null", "int"], "default": null}]}""";

    @TempDir
    static Path work;

    private static S3ProxyProcess s3;
    private static S3Client client;
    private static TieringCluster cluster;
    private static ApicurioRegistryProcess registry;

    @BeforeAll
    static void start() throws Exception {
        CompletableFuture<ApicurioRegistryProcess> registryStart = CompletableFuture.supplyAsync(() -> {
            try {
                return ApicurioRegistryProcess.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        s3 = S3ProxyProcess.start(work.resolve("s3"));
        client = s3.client();
        client.createBucket(b -> b.bucket(BUCKET));
        cluster = new TieringCluster("registry-tiering-it", work);
        registry = registryStart.join();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void wireFormatRecordsLandInParquetFilesOfTheirVersionWithItsColumns() throws Exception {
        int v1 = registry.register("tiered-readings-value", "AVRO", READING_V1);
        int v2 = registry.register("tiered-readings-value", "AVRO", READING_V2);
        String topic = "registry-tiering";
        cluster.connect().kafka().createTopic(topic, 1);
        for (int i = 0; i < 20; i++) {
            byte[] value = i < 10
                    ? RegistryPayloads.avro(v1, READING_V1, Map.of("temp", 20.0 + i))
                    : RegistryPayloads.avro(v2, READING_V2, Map.of("temp", 20.0 + i, "humidity", i));
            cluster.produceValue(topic, "site/dev/reading", value);
        }

        cluster.connect().configureConnector("registry-tiering", connectorConfig(topic));

        String batch = "topics/registry-tiering+0+00000000000000000000";
        await("20 records in two finished Parquet files")
                .atMost(Duration.ofSeconds(120))
                .until(() -> files().values().stream().mapToInt(List::size).sum() >= 20);
        Map<String, List<GenericRecord>> files = files();
        assertEquals(
                List.of(batch + ".schema-" + v1 + ".parquet", batch + ".schema-" + v2 + ".parquet"),
                List.copyOf(files.keySet()));
        GenericRecord first = files.get(batch + ".schema-" + v1 + ".parquet").get(0);
        assertEquals(20.0, first.get("temp"));
        assertNull(first.getSchema().getField("humidity"), "version 1 has no humidity column");
        GenericRecord later = files.get(batch + ".schema-" + v2 + ".parquet").get(0);
        assertEquals(10L, later.get("kafka_offset"));
        assertEquals(10, later.get("humidity"));
        assertEquals(v2, later.get("payload_schema_id"));
        cluster.connect().deleteConnector("registry-tiering");
    }

    private static Map<String, String> connectorConfig(String topic) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.tributary.connect.s3.TributaryS3SinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("s3.endpoint", s3.endpoint().toString());
        config.put("s3.bucket", BUCKET);
        config.put("s3.path.style.access", "true");
        config.put("s3.access.key.id", S3ProxyProcess.ACCESS_KEY);
        config.put("s3.secret.access.key", S3ProxyProcess.SECRET_KEY);
        config.put("partitioner.path", "");
        config.put("flush.size", "20");
        config.put("schema.registry.url", registry.url());
        return config;
    }

    /** The Parquet files in the bucket, read with Parquet's reader. */
    private static Map<String, List<GenericRecord>> files() throws IOException {
        Map<String, List<GenericRecord>> files = new TreeMap<>();
        for (S3Object object :
                client.listObjectsV2Paginator(l -> l.bucket(BUCKET)).contents()) {
            if (object.key().endsWith(".parquet")) {
                try {
                    byte[] content = client.getObjectAsBytes(
                                    g -> g.bucket(BUCKET).key(object.key()))
                            .asByteArray();
                    files.put(object.key(), TieredFileReader.records(content, object.key()));
                } catch (NoSuchKeyException e) {
                    // S3Proxy's filesystem backend briefly lists its own temporary upload files.
                }
            }
        }
        return files;
    }
}
