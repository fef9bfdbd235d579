/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Iceberg connector of the lake: every record of the node's message topics into one table of a JDBC catalog
 * on SQLite with a local warehouse, topic levels and JSON payload fields as columns, committed every few seconds.
 * The keys are those of the plugin's TributaryIcebergSinkConnector (docs/iceberg-config.md); this module never
 * loads its classes, so they are spelled out here.
 */
final class LakeConnectorConfig {
    static final String CONNECTOR_NAME = "mqtt-lake";
    static final String CATALOG_NAME = "lake";
    static final String TABLE = "mqtt.messages";
    static final String COMMIT_INTERVAL_MS = "5000";
    static final String DEAD_LETTER_TOPIC = "mqtt.lake.dead-letters";
    /** Generic names: the lake cannot know what a device's topic levels mean. Override them in the file. */
    static final String TOPIC_LEVELS = "level1,level2,level3,level4,level5";

    private LakeConnectorConfig() {}

    /** The generated settings, then those of the overrides file (which win). */
    static Map<String, String> of(LakeLayout layout, List<String> topics, Map<String, String> overrides) {
        Map<String, String> config = defaults(layout, topics);
        config.putAll(overrides);
        if (overrides.containsKey("topics.regex")) {
            config.remove("topics"); // Connect takes one of the two
        }
        config.put("name", CONNECTOR_NAME);
        return config;
    }

    static Map<String, String> defaults(LakeLayout layout, List<String> topics) {
        Map<String, String> config = new TreeMap<>();
        config.put("connector.class", "io.tributary.connect.iceberg.TributaryIcebergSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", String.join(",", topics));
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("iceberg.catalog.type", "jdbc");
        config.put("iceberg.catalog.name", CATALOG_NAME);
        config.put("iceberg.catalog.uri", layout.catalogUri());
        config.put("iceberg.catalog.warehouse", layout.warehouse().toString());
        config.put("iceberg.catalog.clients", "1");
        config.put("iceberg.tables", TABLE);
        config.put("iceberg.partition-by", "day(publish_ts)");
        config.put("iceberg.topic.levels", TOPIC_LEVELS);
        config.put("iceberg.payload.format", "json");
        config.put("iceberg.payload.non-json", "raw");
        config.put("iceberg.commit.interval-ms", COMMIT_INTERVAL_MS);
        // A record the table cannot take (a field changing type) goes to Kafka with its reason, not into a crash.
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", DEAD_LETTER_TOPIC);
        config.put("errors.deadletterqueue.topic.replication.factor", "-1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        return config;
    }

    /**
     * The user's settings from {@code file}; on first use the file is written with every generated setting
     * commented out, so the knobs are where the lake is.
     */
    static Map<String, String> readOverrides(Path file, Map<String, String> generated) {
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, template(generated));
                return Map.of();
            }
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                props.load(in);
            }
            Map<String, String> overrides = new TreeMap<>();
            props.forEach(
                    (k, v) -> overrides.put(k.toString().trim(), v.toString().trim()));
            return overrides;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String template(Map<String, String> generated) {
        StringBuilder text = new StringBuilder()
                .append("# The Iceberg connector '")
                .append(CONNECTOR_NAME)
                .append("' of bin/tributary --lake. Every line below is its generated default; uncomment a\n")
                .append("# line (or add any connector or iceberg.* setting, docs/iceberg-config.md) to change it.\n")
                .append("# Read at each start of the node. `topics` defaults to the node's message topics.\n");
        generated.forEach(
                (k, v) -> text.append("# ").append(k).append('=').append(v).append('\n'));
        return text.toString();
    }
}
