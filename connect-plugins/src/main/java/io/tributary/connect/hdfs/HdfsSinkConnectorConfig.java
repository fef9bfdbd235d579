/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.hdfs;

import io.tributary.shard.storage.HdfsStorageConfig;
import io.tributary.shard.tiering.TieringConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Every setting of {@link TributaryHdfsSinkConnector}: the HDFS adapter's and the tiering ones. */
public final class HdfsSinkConnectorConfig {
    public static final ConfigDef CONFIG_DEF = configDef();

    private HdfsSinkConnectorConfig() {}

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef(HdfsStorageConfig.configDef());
        TieringConfig.configDef().configKeys().values().forEach(def::define);
        return def;
    }

    static void validate(Map<String, String> props) {
        new HdfsStorageConfig(props);
        new TieringConfig(props);
    }
}
