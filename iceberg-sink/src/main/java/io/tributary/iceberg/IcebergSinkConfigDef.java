/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg;

import static io.tributary.iceberg.IcebergSinkConfig.*;

import io.tributary.registry.RegistryConfigKeys;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ConfigDef} of {@link IcebergSinkConfig}: each key's type, default, validator, importance, and its group
 * and order in the generated reference (docs/iceberg-config.md). The keys, docs and defaults themselves are the
 * constants of {@link IcebergSinkConfig}; the checks across keys are {@link IcebergSinkConfigValidation}'s.
 */
final class IcebergSinkConfigDef {
    private static final String CATALOG_GROUP = "Catalog";
    private static final String S3_GROUP = "S3";
    private static final String TABLES_GROUP = "Tables";
    private static final String COLUMNS_GROUP = "Columns";
    private static final String REGISTRY_GROUP = "Schema registry";

    private IcebergSinkConfigDef() {}

    static ConfigDef build() {
        ConfigDef def = new ConfigDef();
        Group catalog = new Group(def, CATALOG_GROUP);
        catalog.define(
                CATALOG_TYPE_CONFIG,
                Type.STRING,
                CATALOG_TYPE_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("jdbc", "rest", "hadoop"),
                Importance.HIGH,
                CATALOG_TYPE_DOC);
        catalog.define(
                CATALOG_NAME_CONFIG,
                Type.STRING,
                CATALOG_NAME_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                CATALOG_NAME_DOC);
        catalog.define(CATALOG_URI_CONFIG, Type.STRING, CATALOG_URI_DEFAULT, null, Importance.HIGH, CATALOG_URI_DOC);
        catalog.define(
                CATALOG_OPEN_TIMEOUT_CONFIG,
                Type.LONG,
                CATALOG_OPEN_TIMEOUT_DEFAULT,
                ConfigDef.Range.atLeast(0),
                Importance.LOW,
                CATALOG_OPEN_TIMEOUT_DOC);
        catalog.define(
                CATALOG_WAREHOUSE_CONFIG,
                Type.STRING,
                CATALOG_WAREHOUSE_DEFAULT,
                null,
                Importance.HIGH,
                CATALOG_WAREHOUSE_DOC);
        catalog.define(
                CATALOG_JDBC_USER_CONFIG,
                Type.STRING,
                CATALOG_JDBC_USER_DEFAULT,
                null,
                Importance.MEDIUM,
                CATALOG_JDBC_USER_DOC);
        catalog.define(
                CATALOG_JDBC_PASSWORD_CONFIG,
                Type.PASSWORD,
                CATALOG_JDBC_PASSWORD_DEFAULT,
                null,
                Importance.MEDIUM,
                CATALOG_JDBC_PASSWORD_DOC);
        catalog.define(
                CATALOG_CREDENTIAL_CONFIG,
                Type.PASSWORD,
                CATALOG_CREDENTIAL_DEFAULT,
                null,
                Importance.MEDIUM,
                CATALOG_CREDENTIAL_DOC);
        catalog.define(
                CATALOG_TOKEN_CONFIG, Type.PASSWORD, CATALOG_TOKEN_DEFAULT, null, Importance.MEDIUM, CATALOG_TOKEN_DOC);
        Group s3 = new Group(def, S3_GROUP);
        s3.define(S3_ENDPOINT_CONFIG, Type.STRING, S3_ENDPOINT_DEFAULT, null, Importance.HIGH, S3_ENDPOINT_DOC);
        s3.define(S3_REGION_CONFIG, Type.STRING, S3_REGION_DEFAULT, null, Importance.MEDIUM, S3_REGION_DOC);
        s3.define(S3_PATH_STYLE_CONFIG, Type.BOOLEAN, null, null, Importance.MEDIUM, S3_PATH_STYLE_DOC);
        s3.define(S3_ACCESS_KEY_CONFIG, Type.STRING, S3_ACCESS_KEY_DEFAULT, null, Importance.MEDIUM, S3_ACCESS_KEY_DOC);
        s3.define(
                S3_SECRET_KEY_CONFIG, Type.PASSWORD, S3_SECRET_KEY_DEFAULT, null, Importance.MEDIUM, S3_SECRET_KEY_DOC);
        Group tables = new Group(def, TABLES_GROUP);
        tables.define(TABLES_CONFIG, Type.STRING, TABLES_DEFAULT, null, Importance.HIGH, TABLES_DOC);
        tables.define(ROUTES_CONFIG, Type.LIST, ROUTES_DEFAULT, null, Importance.HIGH, ROUTES_DOC);
        tables.define(
                PARTITION_BY_CONFIG, Type.STRING, PARTITION_BY_DEFAULT, null, Importance.MEDIUM, PARTITION_BY_DOC);
        tables.define(AUTO_CREATE_CONFIG, Type.BOOLEAN, AUTO_CREATE_DEFAULT, null, Importance.MEDIUM, AUTO_CREATE_DOC);
        tables.define(UPSERT_CONFIG, Type.BOOLEAN, UPSERT_DEFAULT, null, Importance.MEDIUM, UPSERT_DOC);
        tables.define(
                UPSERT_ID_COLUMNS_CONFIG,
                Type.LIST,
                UPSERT_ID_COLUMNS_DEFAULT,
                null,
                Importance.MEDIUM,
                UPSERT_ID_COLUMNS_DOC);
        tables.define(
                COMMIT_INTERVAL_CONFIG,
                Type.LONG,
                COMMIT_INTERVAL_DEFAULT,
                ConfigDef.Range.atLeast(100),
                Importance.HIGH,
                COMMIT_INTERVAL_DOC);
        Group columns = new Group(def, COLUMNS_GROUP);
        columns.define(TOPIC_LEVELS_CONFIG, Type.LIST, TOPIC_LEVELS_DEFAULT, null, Importance.MEDIUM, TOPIC_LEVELS_DOC);
        columns.define(
                PAYLOAD_FORMAT_CONFIG,
                Type.STRING,
                PAYLOAD_FORMAT_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("json", "raw"),
                Importance.MEDIUM,
                PAYLOAD_FORMAT_DOC);
        columns.define(
                NON_JSON_CONFIG,
                Type.STRING,
                NON_JSON_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("raw", "dlq"),
                Importance.MEDIUM,
                NON_JSON_DOC);
        columns.define(RAW_COLUMN_CONFIG, Type.BOOLEAN, RAW_COLUMN_DEFAULT, null, Importance.MEDIUM, RAW_COLUMN_DOC);
        RegistryConfigKeys.define(
                def, REGISTRY_PREFIX, REGISTRY_GROUP, 0, REGISTRY_URL_DOC_END, REGISTRY_RETRY_DOC_END);
        return def;
    }

    /** Defines a group's keys in order; the display name is the key itself, as in the other sinks. */
    private record Group(ConfigDef def, String name, int[] order) {
        Group(ConfigDef def, String name) {
            this(def, name, new int[1]);
        }

        void define(
                String key,
                Type type,
                @Nullable Object defaultValue,
                ConfigDef.@Nullable Validator validator,
                Importance importance,
                String doc) {
            def.define(
                    key, type, defaultValue, validator, importance, doc, name, ++order[0], ConfigDef.Width.MEDIUM, key);
        }
    }
}
