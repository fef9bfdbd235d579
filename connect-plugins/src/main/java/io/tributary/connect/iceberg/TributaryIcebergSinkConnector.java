/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.iceberg;

import io.tributary.connect.PluginVersion;
import io.tributary.iceberg.IcebergSinkConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes MQTT records into Apache Iceberg tables, exactly once: MQTT and topic-level columns, JSON payloads as
 * typed columns, routing by MQTT topic filter, upsert tables (docs/iceberg.md). Every task gets the full
 * configuration; Connect's partition assignment decides which records it writes.
 */
public final class TributaryIcebergSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        // Parsing here makes a bad configuration fail the connector, not each task separately.
        new IcebergSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TributaryIcebergSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> config = new HashMap<>(props);
            config.put(TributaryIcebergSinkTask.TASK_INDEX, Integer.toString(i));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return IcebergSinkConfig.CONFIG_DEF;
    }
}
