/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import io.tributary.registry.RegistrySettings;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The settings of {@link TieringConfig} that give Confluent wire-format payloads the columns of their registered
 * schema: where the registry is, how to reach it, and the payload columns' prefix. The same keys as the Iceberg
 * sink's {@code iceberg.schema.registry.*}, without its prefix.
 */
public final class RegistryColumnsConfig {
    private static final String GROUP = "Schema registry";

    public static final String URL_CONFIG = "schema.registry.url";
    public static final String URL_DOC = "A Confluent-compatible schema registry (Confluent Schema Registry, Apicurio "
            + "Registry's /apis/ccompat/v7, Karapace), e.g. http://registry:8081. When set, a payload in the "
            + "Confluent wire format (magic byte 0, 4-byte schema id: what a broker binding in validate-and-encode "
            + "mode writes) is written to Parquet and Avro files with the columns of its registered Avro or JSON "
            + "Schema, in files of that schema id only; other payloads, and jsonl files, keep the payload column "
            + "of format.payload. Empty: no registry.";
    public static final String URL_DEFAULT = "";

    public static final String BASIC_AUTH_CONFIG = "schema.registry.basic.auth.user.info";
    public static final String BASIC_AUTH_DOC =
            "USER:PASSWORD for the registry's basic authentication; empty sends none.";
    public static final String BASIC_AUTH_DEFAULT = "";

    public static final String TRUSTSTORE_CONFIG = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_DOC = "Trust store file for an https registry whose certificate the JVM's "
            + "default trust store does not hold; empty uses the JVM's.";
    public static final String TRUSTSTORE_DEFAULT = "";

    public static final String TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_PASSWORD_DOC = "Password of the registry trust store.";
    public static final String TRUSTSTORE_PASSWORD_DEFAULT = "";

    public static final String TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    public static final String TRUSTSTORE_TYPE_DOC = "Type of the registry trust store: PKCS12 or JKS.";
    public static final String TRUSTSTORE_TYPE_DEFAULT = "PKCS12";

    public static final String TIMEOUT_CONFIG = "schema.registry.request.timeout.ms";
    public static final String TIMEOUT_DOC =
            "Connect and request timeout of one registry call. A schema id is asked once "
                    + "per task; while the registry cannot answer for an id not asked before, the task takes that record "
                    + "again after retry.backoff.ms (no record goes to the dead-letter queue for an outage).";
    public static final int TIMEOUT_DEFAULT = 10_000;

    public static final String COLUMN_PREFIX_CONFIG = "format.payload.column.prefix";
    public static final String COLUMN_PREFIX_DOC =
            "Put before the name of each column that a registered schema's field "
                    + "becomes (e.g. p_ gives p_temp), to keep payload fields apart from the MQTT columns: a record whose "
                    + "schema has a field named like an MQTT column (qos, timestamp, payload, ...) is otherwise a bad record.";
    public static final String COLUMN_PREFIX_DEFAULT = "";

    private RegistryColumnsConfig() {}

    /** Adds the keys above to {@code def}, in the order of the reference. */
    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def.define(
                        URL_CONFIG,
                        Type.STRING,
                        URL_DEFAULT,
                        Importance.MEDIUM,
                        URL_DOC,
                        GROUP,
                        ++order,
                        Width.LONG,
                        URL_CONFIG)
                .define(
                        BASIC_AUTH_CONFIG,
                        Type.PASSWORD,
                        BASIC_AUTH_DEFAULT,
                        Importance.MEDIUM,
                        BASIC_AUTH_DOC,
                        GROUP,
                        ++order,
                        Width.MEDIUM,
                        BASIC_AUTH_CONFIG)
                .define(
                        TRUSTSTORE_CONFIG,
                        Type.STRING,
                        TRUSTSTORE_DEFAULT,
                        Importance.LOW,
                        TRUSTSTORE_DOC,
                        GROUP,
                        ++order,
                        Width.LONG,
                        TRUSTSTORE_CONFIG)
                .define(
                        TRUSTSTORE_PASSWORD_CONFIG,
                        Type.PASSWORD,
                        TRUSTSTORE_PASSWORD_DEFAULT,
                        Importance.LOW,
                        TRUSTSTORE_PASSWORD_DOC,
                        GROUP,
                        ++order,
                        Width.MEDIUM,
                        TRUSTSTORE_PASSWORD_CONFIG)
                .define(
                        TRUSTSTORE_TYPE_CONFIG,
                        Type.STRING,
                        TRUSTSTORE_TYPE_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                        Importance.LOW,
                        TRUSTSTORE_TYPE_DOC,
                        GROUP,
                        ++order,
                        Width.SHORT,
                        TRUSTSTORE_TYPE_CONFIG)
                .define(
                        TIMEOUT_CONFIG,
                        Type.INT,
                        TIMEOUT_DEFAULT,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        TIMEOUT_DOC,
                        GROUP,
                        ++order,
                        Width.SHORT,
                        TIMEOUT_CONFIG)
                .define(
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
        String url = config.getString(URL_CONFIG).trim();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String trustStore = config.getString(TRUSTSTORE_CONFIG).trim();
        return Optional.of(new RegistrySettings(
                url,
                config.getPassword(BASIC_AUTH_CONFIG).value(),
                trustStore.isEmpty() ? null : trustStore,
                config.getPassword(TRUSTSTORE_PASSWORD_CONFIG).value(),
                config.getString(TRUSTSTORE_TYPE_CONFIG),
                Duration.ofMillis(config.getInt(TIMEOUT_CONFIG))));
    }

    static String columnPrefix(AbstractConfig config) {
        return config.getString(COLUMN_PREFIX_CONFIG);
    }
}
