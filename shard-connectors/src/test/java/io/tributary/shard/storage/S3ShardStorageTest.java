/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.testing.S3ProxyProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 adapter against S3Proxy, with the settings an operator would give it. */
class S3ShardStorageTest {
    private static final String BUCKET = "tiering";

    @TempDir
    static Path work;

    private static S3ProxyProcess proxy;
    private static S3Client client;
    private static S3ShardStorage storage;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        proxy = S3ProxyProcess.start(work);
        client = proxy.client();
        client.createBucket(b -> b.bucket(BUCKET));
        storage = new S3StorageConfig(Map.of(
                        S3StorageConfig.BUCKET_CONFIG,
                        BUCKET,
                        S3StorageConfig.ENDPOINT_CONFIG,
                        proxy.endpoint().toString(),
                        S3StorageConfig.PATH_STYLE_CONFIG,
                        "true",
                        S3StorageConfig.ACCESS_KEY_CONFIG,
                        S3ProxyProcess.ACCESS_KEY,
                        S3StorageConfig.SECRET_KEY_CONFIG,
                        S3ProxyProcess.SECRET_KEY,
                        S3StorageConfig.PART_SIZE_CONFIG,
                        String.valueOf(5 * 1024 * 1024)))
                .buildStorage();
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        storage.close();
        client.close();
        proxy.close();
    }

    @Test
    void customEndpointDefaultsToChecksumsOnlyWhenRequired() {
        S3StorageConfig custom = new S3StorageConfig(
                Map.of(S3StorageConfig.BUCKET_CONFIG, "b", S3StorageConfig.ENDPOINT_CONFIG, "http://127.0.0.1:9000"));
        S3StorageConfig aws = new S3StorageConfig(Map.of(S3StorageConfig.BUCKET_CONFIG, "b"));
        S3StorageConfig explicit = new S3StorageConfig(Map.of(
                S3StorageConfig.BUCKET_CONFIG,
                "b",
                S3StorageConfig.ENDPOINT_CONFIG,
                "http://127.0.0.1:9000",
                S3StorageConfig.REQUEST_CHECKSUM_CONFIG,
                "WHEN_SUPPORTED"));

        assertEquals(RequestChecksumCalculation.WHEN_REQUIRED, custom.requestChecksumCalculation());
        assertEquals(RequestChecksumCalculation.WHEN_SUPPORTED, aws.requestChecksumCalculation());
        assertEquals(RequestChecksumCalculation.WHEN_SUPPORTED, explicit.requestChecksumCalculation());
    }

    @Test
    void publishesASmallFileInOnePut() throws Exception {
        Path file = Files.writeString(work.resolve("small.jsonl"), "{\"a\":1}\n");

        storage.publish(file, "topics/a/small.jsonl");

        assertArrayEquals(
                Files.readAllBytes(file),
                client.getObjectAsBytes(g -> g.bucket(BUCKET).key("topics/a/small.jsonl"))
                        .asByteArray());
    }

    @Test
    void publishesALargeFileAsAMultipartUpload() throws Exception {
        byte[] content = new byte[12 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        Path file = Files.write(work.resolve("large.parquet"), content);

        storage.publish(file, "topics/b/large.parquet");

        byte[] stored = client.getObjectAsBytes(g -> g.bucket(BUCKET).key("topics/b/large.parquet"))
                .asByteArray();
        assertArrayEquals(content, stored);
        assertTrue(
                client.headObject(h -> h.bucket(BUCKET).key("topics/b/large.parquet"))
                        .eTag()
                        .contains("-"),
                "a multipart upload's ETag carries its part count");
    }

    @Test
    void smallFilesAreReplacedAtomicallyAndMissingOnesReadAsEmpty() throws Exception {
        assertEquals(Optional.empty(), storage.read("state/none"));

        storage.writeAtomically("state/marker", "one".getBytes(StandardCharsets.UTF_8));
        storage.writeAtomically("state/marker", "two".getBytes(StandardCharsets.UTF_8));

        assertEquals("two", new String(storage.read("state/marker").orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void unreachableStoreIsAnIOExceptionToRetry() throws Exception {
        try (S3ShardStorage nowhere = new S3StorageConfig(Map.of(
                        S3StorageConfig.BUCKET_CONFIG, BUCKET,
                        S3StorageConfig.ENDPOINT_CONFIG, "http://127.0.0.1:1",
                        S3StorageConfig.PATH_STYLE_CONFIG, "true",
                        S3StorageConfig.RETRY_ATTEMPTS_CONFIG, "1",
                        S3StorageConfig.ACCESS_KEY_CONFIG, "a",
                        S3StorageConfig.SECRET_KEY_CONFIG, "b"))
                .buildStorage()) {
            assertThrows(java.io.IOException.class, () -> nowhere.read("x"));
            IOException atStart = assertThrows(IOException.class, nowhere::checkExists);
            assertFalse(atStart instanceof StoreNotFoundException, atStart.toString());
        }
    }

    @Test
    void existingBucketPassesTheStartCheck() throws Exception {
        storage.checkExists();
    }

    @Test
    void missingBucketFailsTheStartCheckAndEveryRequestNamingBucketAndEndpoint() throws Exception {
        String expected =
                "S3 bucket 'never-created' does not exist at " + proxy.endpoint() + ": create it or fix s3.bucket";
        try (S3ShardStorage missing = storageOn("never-created")) {
            Path file = Files.writeString(work.resolve("orphan.jsonl"), "{}\n");

            assertEquals(
                    expected,
                    assertThrows(StoreNotFoundException.class, missing::checkExists)
                            .getMessage());
            assertEquals(
                    expected,
                    assertThrows(StoreNotFoundException.class, () -> missing.read("m"))
                            .getMessage());
            assertEquals(
                    expected,
                    assertThrows(StoreNotFoundException.class, () -> missing.writeAtomically("m", new byte[1]))
                            .getMessage());
            assertEquals(
                    expected,
                    assertThrows(StoreNotFoundException.class, () -> missing.publish(file, "f.jsonl"))
                            .getMessage());
        }
    }

    @Test
    void bucketDeletedWhileWritingIsNoLongerRetried() throws Exception {
        client.createBucket(b -> b.bucket("short-lived"));
        try (S3ShardStorage shortLived = storageOn("short-lived")) {
            shortLived.checkExists();
            shortLived.writeAtomically("state/marker", "one".getBytes(StandardCharsets.UTF_8));
            client.deleteObject(d -> d.bucket("short-lived").key("state/marker"));
            client.deleteBucket(d -> d.bucket("short-lived"));

            StoreNotFoundException gone = assertThrows(
                    StoreNotFoundException.class,
                    () -> shortLived.writeAtomically("state/marker", "two".getBytes(StandardCharsets.UTF_8)));
            assertTrue(gone.getMessage().startsWith("S3 bucket 'short-lived' does not exist"), gone.getMessage());
        }
    }

    private static S3ShardStorage storageOn(String bucket) {
        return new S3StorageConfig(Map.of(
                        S3StorageConfig.BUCKET_CONFIG,
                        bucket,
                        S3StorageConfig.ENDPOINT_CONFIG,
                        proxy.endpoint().toString(),
                        S3StorageConfig.PATH_STYLE_CONFIG,
                        "true",
                        S3StorageConfig.RETRY_ATTEMPTS_CONFIG,
                        "1",
                        S3StorageConfig.ACCESS_KEY_CONFIG,
                        S3ProxyProcess.ACCESS_KEY,
                        S3StorageConfig.SECRET_KEY_CONFIG,
                        S3ProxyProcess.SECRET_KEY))
                .buildStorage();
    }
}
