/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import io.tributary.iceberg.table.S3Settings;
import io.tributary.shard.testing.S3ProxyProcess;
import java.nio.file.Path;

/**
 * The lake of examples/iceberg-sink.json: SQLite catalog, warehouse {@code s3://lake/warehouse} on S3Proxy (in
 * its own JVM), read and written through Iceberg's {@code S3FileIO} by the sink and by Spark.
 */
class S3LakeSparkSqlIT extends SinkTablesInSparkSql {
    private S3ProxyProcess s3proxy;

    @Override
    Lake openLake(Path work) throws Exception {
        s3proxy = S3ProxyProcess.start(work.resolve("s3proxy"));
        try (var s3 = s3proxy.client()) {
            s3.createBucket(create -> create.bucket("lake"));
        }
        S3Settings s3 = new S3Settings(
                s3proxy.endpoint().toString(), "us-east-1", true, S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY);
        return new Lake("jdbc:sqlite:" + work.resolve("catalog.db"), "s3://lake/warehouse", s3);
    }

    /**
     * S3Proxy 2.6 answers DeleteObjects from AWS SDK 2.30+ with 501 ("a header you provided implies
     * functionality that is not implemented": the SDK's flexible checksum instead of Content-MD5). S3FileIO
     * logs it as a WARN and expire_snapshots reports 0 files deleted. AWS S3 and MinIO take these requests.
     */
    @Override
    boolean storeTakesBatchDeletes() {
        return false;
    }

    @Override
    void closeLake() {
        if (s3proxy != null) {
            s3proxy.close();
        }
    }
}
