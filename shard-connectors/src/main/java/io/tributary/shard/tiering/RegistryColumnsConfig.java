/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import io.tributary.registry.RegistryConfigKeys;
import io.tributary.registry.RegistrySettings;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The settings of {@link TieringConfig} that give Confluent wire-format payloads the columns of their registered
 * schema: where the registry is and how to reach it (the registry client's {@link RegistryConfigKeys}, without a
 * prefix: the Iceberg sink has the same keys behind {@code iceberg.}), and the payload columns' prefix.
 */
public final class RegistryColumnsConfig {
    private static final String GROUP = "Schema registry";

    public static final String URL_CONFIG = RegistryConfigKeys.URL;
    static final String URL_DOC_END = "is written to Parquet and Avro files with the columns of its registered Avro, "
            + "JSON Schema or Protobuf schema, in files of that schema id only; other payloads, and jsonl files, keep "
            + "the payload column of format.payload. Empty: no registry.";
    static final String RETRY_DOC_END =
            "takes that record again after retry.backoff.ms (no record goes to the dead-letter queue for an outage).";

    public static final String COLUMN_PREFIX_CONFIG = "format.payload.column.prefix";
    public static final String COLUMN_PREFIX_DOC =
            "Put before the name of each column that a registered schema's field "
                    + "becomes (e.g. p_ gives p_temp), to keep payload fields apart from the MQTT columns: a record whose "
                    + "schema has a field named like an MQTT column (qos, timestamp, payload, ...) is otherwise a bad record.";
    public static final String COLUMN_PREFIX_DEFAULT = "";

    private RegistryColumnsConfig() {}

    /** Adds the keys above to {@code def}, in the order of the reference. */
    static ConfigDef define(ConfigDef def) {
        int order = RegistryConfigKeys.define(def, "", GROUP, 0, URL_DOC_END, RETRY_DOC_END);
        return def.define(
                COLUMN_PREFIX_CONFIG,
                Type.STRING,
                COLUMN_PREFIX_DEFAULT,
                new ConfigDef.Validator() {
                    @Override
                    public void ensureValid(String name, Object value) {
                        if (!String.valueOf(value).matches("([A-Za-z_][A-Za-z0-9_]*)?")) {
                            throw new org.apache.kafka.common.config.ConfigException(
                                    name, value, "letters, digits and '_', not starting with a digit");
                        }
                    }

                    @Override
                    public String toString() {
                        return "[A-Za-z_][A-Za-z0-9_]* or empty";
                    }
                },
                Importance.LOW,
                COLUMN_PREFIX_DOC,
                GROUP,
                ++order,
                Width.SHORT,
                COLUMN_PREFIX_CONFIG);
    }

    /** How to reach the registry, or empty when none is set. */
    static Optional<RegistrySettings> registry(AbstractConfig config) {
        return RegistryConfigKeys.settings(config, "");
    }

    static String columnPrefix(AbstractConfig config) {
        return config.getString(COLUMN_PREFIX_CONFIG);
    }
}
