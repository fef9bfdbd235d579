/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.hdfs;

import io.tributary.connect.sink.TieringSinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/** Tiers MQTT shards to HDFS, exactly once. */
public final class TributaryHdfsSinkConnector extends TieringSinkConnector {
    @Override
    protected void parse(Map<String, String> props) {
        HdfsSinkConnectorConfig.validate(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TributaryHdfsSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return HdfsSinkConnectorConfig.CONFIG_DEF;
    }
}
