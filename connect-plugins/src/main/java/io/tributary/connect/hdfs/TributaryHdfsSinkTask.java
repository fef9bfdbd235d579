/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.hdfs;

import io.tributary.connect.sink.TieringSinkTask;
import io.tributary.shard.storage.HdfsStorageConfig;
import io.tributary.shard.storage.ShardStorage;
import java.io.IOException;
import java.util.Map;

/** Sink task writing to HDFS. */
public final class TributaryHdfsSinkTask extends TieringSinkTask {
    @Override
    protected ShardStorage openStorage(Map<String, String> props) throws IOException {
        return new HdfsStorageConfig(props).buildStorage();
    }
}
