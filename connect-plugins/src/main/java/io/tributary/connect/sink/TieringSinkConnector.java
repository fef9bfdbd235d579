/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.sink;

import io.tributary.connect.PluginVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * What the S3 and HDFS connectors share: every task gets the full configuration and Connect's
 * partition assignment decides which shards it tiers.
 */
public abstract class TieringSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        // Parsing here makes a bad configuration fail the connector, not each task separately.
        parse(props);
        this.props = Map.copyOf(props);
    }

    /** Parses (and so validates) the connector's settings. */
    protected abstract void parse(Map<String, String> props);

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(new HashMap<>(props));
        }
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public abstract ConfigDef config();
}
