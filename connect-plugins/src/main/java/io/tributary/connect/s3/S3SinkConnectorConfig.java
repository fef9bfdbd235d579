/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.s3;

import io.tributary.shard.storage.S3StorageConfig;
import io.tributary.shard.tiering.TieringConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Every setting of {@link TributaryS3SinkConnector}: the S3 adapter's and the tiering ones. */
public final class S3SinkConnectorConfig {
    public static final ConfigDef CONFIG_DEF = configDef();

    private S3SinkConnectorConfig() {}

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef(S3StorageConfig.configDef());
        TieringConfig.configDef().configKeys().values().forEach(def::define);
        return def;
    }

    /** Checks both halves, including the checks across settings. */
    static void validate(Map<String, String> props) {
        new S3StorageConfig(props);
        new TieringConfig(props);
    }
}
