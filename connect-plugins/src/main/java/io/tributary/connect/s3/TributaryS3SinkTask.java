/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.s3;

import io.tributary.connect.sink.TieringSinkTask;
import io.tributary.shard.storage.S3StorageConfig;
import io.tributary.shard.storage.ShardStorage;
import java.util.Map;

/** Sink task writing to S3. */
public final class TributaryS3SinkTask extends TieringSinkTask {
    @Override
    protected ShardStorage openStorage(Map<String, String> props) {
        return new S3StorageConfig(props).buildStorage();
    }
}
