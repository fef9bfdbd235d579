/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.storage.S3ShardStorage;
import io.tributary.shard.storage.S3StorageConfig;
import io.tributary.shard.testing.InterruptibleShardStorage;
import io.tributary.shard.testing.S3ProxyProcess;
import io.tributary.shard.testing.ShardRecords;
import io.tributary.shard.testing.TieredFileReader;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A task crashing in the middle of publishing a batch of Parquet files to S3 (S3Proxy): after the
 * WRITING marker, after some of the batch's files, before the COMMITTED marker. A new task recovers
 * from what S3 holds and the bucket ends with every record once.
 */
class S3CrashRecoveryTest {
    private static final ShardId SHARD = new ShardId("mqtt.messages", 5);
    private static final int RECORDS = 90;

    @TempDir
    static Path work;

    private static S3ProxyProcess proxy;
    private static S3Client client;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        proxy = S3ProxyProcess.start(work.resolve("s3"));
        client = proxy.client();
    }

    @AfterAll
    static void stopS3Proxy() {
        client.close();
        proxy.close();
    }

    private static TieringWriter writer(S3ShardStorage s3, int writesBeforeCrash, String bucket) {
        TieringConfig config = new TieringConfig(Map.of(
                TieringConfig.PATH_CONFIG, "site={1}",
                TieringConfig.FLUSH_SIZE_CONFIG, "40",
                TieringConfig.BUFFER_DIR_CONFIG,
                        work.resolve("buffer-" + bucket).toString()));
        return new TieringWriter(
                config.settings("crash-test"),
                new InterruptibleShardStorage(s3, writesBeforeCrash),
                new TieringMetrics(),
                new AtomicLong()::get);
    }

    @ParameterizedTest(name = "crash after {0} writes to S3")
    @ValueSource(ints = {1, 2, 3, 6, 7})
    void crashMidPublishThenRecoveryLeavesEveryRecordOnceInS3(int writesBeforeCrash) throws Exception {
        String bucket = "crash-" + writesBeforeCrash;
        client.createBucket(b -> b.bucket(bucket));
        S3ShardStorage s3 = new S3StorageConfig(Map.of(
                        S3StorageConfig.BUCKET_CONFIG,
                        bucket,
                        S3StorageConfig.ENDPOINT_CONFIG,
                        proxy.endpoint().toString(),
                        S3StorageConfig.PATH_STYLE_CONFIG,
                        "true",
                        S3StorageConfig.ACCESS_KEY_CONFIG,
                        S3ProxyProcess.ACCESS_KEY,
                        S3StorageConfig.SECRET_KEY_CONFIG,
                        S3ProxyProcess.SECRET_KEY))
                .buildStorage();
        List<ShardRecord> log = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            log.add(ShardRecords.publish(
                    SHARD.topic(),
                    SHARD.partition(),
                    1000 + i,
                    1_700_000_000_000L,
                    "s" + (i % 3) + "/device",
                    "reading " + i));
        }

        TieringWriter crashing = writer(s3, writesBeforeCrash, bucket);
        crashing.open(SHARD);
        assertThrows(IOException.class, () -> {
            for (ShardRecord record : log) {
                crashing.write(record);
            }
        });

        TieringWriter recovering = writer(s3, Integer.MAX_VALUE, bucket);
        long position = recovering.open(SHARD);
        for (ShardRecord record : log) {
            if (position < 0 || record.offset() >= position) {
                recovering.write(record);
            }
        }
        assertEquals(Map.of(SHARD, 1080L), recovering.committedOffsets(), "two full batches committed");

        List<Long> offsets = new ArrayList<>();
        for (S3Object object :
                client.listObjectsV2Paginator(l -> l.bucket(bucket)).contents()) {
            if (object.key().endsWith(".parquet")) {
                byte[] content = client.getObjectAsBytes(g -> g.bucket(bucket).key(object.key()))
                        .asByteArray();
                offsets.addAll(TieredFileReader.read(content, object.key()).stream()
                        .map(Row::offset)
                        .toList());
            }
        }
        offsets.sort(Long::compare);
        List<Long> expected = new ArrayList<>();
        for (long offset = 1000; offset < 1080; offset++) {
            expected.add(offset);
        }
        assertEquals(expected, offsets, "each committed record exactly once");
        s3.close();
    }
}
