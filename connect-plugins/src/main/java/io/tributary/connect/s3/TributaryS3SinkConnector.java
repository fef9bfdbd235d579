/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.s3;

import io.tributary.connect.sink.TieringSinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/** Tiers MQTT shards to S3 or an S3-compatible store, exactly once. */
public final class TributaryS3SinkConnector extends TieringSinkConnector {
    @Override
    protected void parse(Map<String, String> props) {
        S3SinkConnectorConfig.validate(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TributaryS3SinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return S3SinkConnectorConfig.CONFIG_DEF;
    }
}
