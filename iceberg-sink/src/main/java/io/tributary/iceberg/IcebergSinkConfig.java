/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg;

import io.tributary.iceberg.table.CatalogSettings;
import io.tributary.iceberg.table.CatalogType;
import io.tributary.iceberg.table.S3Settings;
import io.tributary.iceberg.table.TableRoutes;
import io.tributary.registry.RegistryConfigKeys;
import io.tributary.registry.RegistrySettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the Iceberg sink: catalog, storage, routing of MQTT topics to tables, table layout, columns and
 * commits. Besides the keys defined here it reads three families of keys: {@code iceberg.catalog.*} (passed to
 * the Iceberg catalog as they are), {@code iceberg.hadoop.*} (Hadoop configuration), and per route / per table
 * keys {@code iceberg.route.<name>.filter|table}, {@code iceberg.table.<namespace.table>.partition-by|id-columns}.
 */
public final class IcebergSinkConfig extends AbstractConfig {
    /** What a payload becomes. */
    public enum PayloadFormat {
        /** JSON objects decoded into typed columns. */
        JSON,
        /** No decoding: the payload stays bytes in the raw payload column. */
        RAW
    }

    /** What happens to a payload that is not a JSON object in JSON mode. */
    public enum NonJsonPayload {
        /** Written with its MQTT columns and the raw payload column only. */
        RAW,
        /** Sent to the dead-letter queue with the reason. */
        DLQ
    }

    public static final String CATALOG_PREFIX = "iceberg.catalog.";
    public static final String HADOOP_PREFIX = "iceberg.hadoop.";
    public static final String ROUTE_PREFIX = "iceberg.route.";
    public static final String TABLE_PREFIX = "iceberg.table.";
    public static final String ROUTE_FILTER_SUFFIX = ".filter";
    public static final String ROUTE_TABLE_SUFFIX = ".table";
    public static final String TABLE_PARTITION_BY_SUFFIX = ".partition-by";
    public static final String TABLE_ID_COLUMNS_SUFFIX = ".id-columns";

    public static final String CATALOG_TYPE_CONFIG = "iceberg.catalog.type";
    public static final String CATALOG_TYPE_DOC = "Catalog: jdbc (a database such as SQLite or Postgres; no "
            + "catalog server), rest (an Iceberg REST catalog) or hadoop (tables found by path under the warehouse; "
            + "HDFS or local files, never S3). Every other iceberg.catalog.* key is passed to the Iceberg catalog "
            + "with the prefix removed, e.g. iceberg.catalog.jdbc.schema-version or iceberg.catalog.scope.";
    public static final String CATALOG_TYPE_DEFAULT = "jdbc";

    public static final String CATALOG_NAME_CONFIG = "iceberg.catalog.name";
    public static final String CATALOG_NAME_DOC = "Name of the catalog. A JDBC catalog stores it with every "
            + "table: an engine reading the same database (Spark's spark.sql.catalog.<name>) must use the same name.";
    public static final String CATALOG_NAME_DEFAULT = "lake";

    public static final String CATALOG_URI_CONFIG = "iceberg.catalog.uri";
    public static final String CATALOG_URI_DOC = "jdbc: the JDBC URL, e.g. jdbc:sqlite:/var/lib/tributary/catalog.db "
            + "or jdbc:postgresql://db:5432/lake. rest: the catalog's URL, e.g. http://catalog:8181. Unused by hadoop.";
    public static final String CATALOG_URI_DEFAULT = "";

    public static final String CATALOG_OPEN_TIMEOUT_CONFIG = "iceberg.catalog.open-timeout-ms";
    public static final String CATALOG_OPEN_TIMEOUT_DOC = "How long a starting task keeps trying to open an "
            + "unreachable catalog (one WARN line per attempt, backing off to 30 s) before it fails naming the "
            + "catalog. A missing warehouse bucket fails at once.";
    public static final long CATALOG_OPEN_TIMEOUT_DEFAULT = 120_000L;

    public static final String CATALOG_WAREHOUSE_CONFIG = "iceberg.catalog.warehouse";
    public static final String CATALOG_WAREHOUSE_DOC = "Where new tables' files go: s3://bucket/path (S3FileIO, see "
            + "iceberg.s3.*), hdfs://namenode:8020/path (Hadoop FileIO, see iceberg.hadoop.*) or a local path. "
            + "Required by jdbc and hadoop; for rest, the warehouse name or location the catalog expects, if any.";
    public static final String CATALOG_WAREHOUSE_DEFAULT = "";

    public static final String CATALOG_JDBC_USER_CONFIG = "iceberg.catalog.jdbc.user";
    public static final String CATALOG_JDBC_USER_DOC = "jdbc: database user (not needed by SQLite).";
    public static final String CATALOG_JDBC_USER_DEFAULT = "";

    public static final String CATALOG_JDBC_PASSWORD_CONFIG = "iceberg.catalog.jdbc.password";
    public static final String CATALOG_JDBC_PASSWORD_DOC = "jdbc: database password.";
    public static final String CATALOG_JDBC_PASSWORD_DEFAULT = "";

    public static final String CATALOG_CREDENTIAL_CONFIG = "iceberg.catalog.credential";
    public static final String CATALOG_CREDENTIAL_DOC =
            "rest: OAuth2 client credentials client_id:client_secret, " + "exchanged for a token at the catalog.";
    public static final String CATALOG_CREDENTIAL_DEFAULT = "";

    public static final String CATALOG_TOKEN_CONFIG = "iceberg.catalog.token";
    public static final String CATALOG_TOKEN_DOC = "rest: a bearer token sent as it is.";
    public static final String CATALOG_TOKEN_DEFAULT = "";

    public static final String S3_ENDPOINT_CONFIG = "iceberg.s3.endpoint";
    public static final String S3_ENDPOINT_DOC = "Endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy...), "
            + "e.g. http://minio:9000. With an endpoint the client asks for checksums only where S3 requires them "
            + "(stores reject the SDK's newer checksum trailers). Empty means AWS S3 itself.";
    public static final String S3_ENDPOINT_DEFAULT = "";

    public static final String S3_REGION_CONFIG = "iceberg.s3.region";
    public static final String S3_REGION_DOC = "Region of the bucket. Empty means us-east-1 with an endpoint "
            + "(S3-compatible stores accept any), else the AWS SDK's region chain (AWS_REGION, profile...).";
    public static final String S3_REGION_DEFAULT = "";

    public static final String S3_PATH_STYLE_CONFIG = "iceberg.s3.path-style-access";
    public static final String S3_PATH_STYLE_DOC = "Address buckets as endpoint/bucket/key rather than "
            + "bucket.endpoint/key. Unset means true with iceberg.s3.endpoint (S3-compatible stores need it) "
            + "and false for AWS S3.";

    public static final String S3_ACCESS_KEY_CONFIG = "iceberg.s3.access-key-id";
    public static final String S3_ACCESS_KEY_DOC = "Access key id. Empty means the AWS SDK's default credentials "
            + "chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, container or instance role).";
    public static final String S3_ACCESS_KEY_DEFAULT = "";

    public static final String S3_SECRET_KEY_CONFIG = "iceberg.s3.secret-access-key";
    public static final String S3_SECRET_KEY_DOC = "Secret of iceberg.s3.access-key-id.";
    public static final String S3_SECRET_KEY_DEFAULT = "";

    public static final String TABLES_CONFIG = "iceberg.tables";
    public static final String TABLES_DOC = "Default table, namespace.table (e.g. iot.messages): records whose MQTT "
            + "topic matches no route go here. Empty sends them to the dead-letter queue.";
    public static final String TABLES_DEFAULT = "";

    public static final String ROUTES_CONFIG = "iceberg.routes";
    public static final String ROUTES_DOC = "Route names in priority order; a record goes to the table of the first "
            + "route whose MQTT topic filter matches its topic. Each route <name> has iceberg.route.<name>.filter "
            + "(e.g. sensors/+/temperature) and iceberg.route.<name>.table (e.g. iot.temperature).";
    public static final String ROUTES_DEFAULT = "";

    public static final String PARTITION_BY_CONFIG = "iceberg.partition-by";
    public static final String PARTITION_BY_DOC = "Partition spec of tables the sink creates, as in Spark's "
            + "PARTITIONED BY: day(ts), identity(site), bucket(16, device), truncate(4, name), hour/month/year(ts); "
            + "a bare column means identity. iceberg.table.<namespace.table>.partition-by overrides it per table. "
            + "Empty means unpartitioned. Applies only when a table is created.";
    public static final String PARTITION_BY_DEFAULT = "";

    public static final String AUTO_CREATE_CONFIG = "iceberg.auto-create.enabled";
    public static final String AUTO_CREATE_DOC = "Create missing namespaces and tables (format v2). "
            + "When false, a record for a missing table fails the task.";
    public static final boolean AUTO_CREATE_DEFAULT = true;

    public static final String UPSERT_CONFIG = "iceberg.upsert.enabled";
    public static final String UPSERT_DOC = "Upsert mode: a table holds one row per key (the latest value per "
            + "device), older rows removed by equality deletes. Needs identifier columns.";
    public static final boolean UPSERT_DEFAULT = false;

    public static final String UPSERT_ID_COLUMNS_CONFIG = "iceberg.upsert.id-columns";
    public static final String UPSERT_ID_COLUMNS_DOC = "Key columns of upsert tables, e.g. topic or site,device "
            + "(topic-level columns); iceberg.table.<namespace.table>.id-columns overrides it per table.";
    public static final String UPSERT_ID_COLUMNS_DEFAULT = "";

    public static final String COMMIT_INTERVAL_CONFIG = "iceberg.commit.interval-ms";
    public static final String COMMIT_INTERVAL_DOC = "How often written files are committed, i.e. how soon rows "
            + "become visible. Every commit is a snapshot with at least one file per table and task: shorter "
            + "means fresher tables and more small files to compact. The examples use 10000 for a quick start.";
    public static final long COMMIT_INTERVAL_DEFAULT = 60_000L;

    public static final String TOPIC_LEVELS_CONFIG = "iceberg.topic.levels";
    public static final String TOPIC_LEVELS_DOC = "Names of columns holding the MQTT topic's levels, in order: "
            + "site,device,metric puts level 1 of a/b/c into site, level 2 into device... Empty adds none.";
    public static final String TOPIC_LEVELS_DEFAULT = "";

    public static final String PAYLOAD_FORMAT_CONFIG = "iceberg.payload.format";
    public static final String PAYLOAD_FORMAT_DOC = "json: a JSON object payload becomes typed columns (nested "
            + "objects as structs), new fields add columns. raw: no payload columns, only the raw payload column.";
    public static final String PAYLOAD_FORMAT_DEFAULT = "json";

    public static final String NON_JSON_CONFIG = "iceberg.payload.non-json";
    public static final String NON_JSON_DOC = "In json mode, a payload that is not a JSON object: raw (a row with "
            + "the MQTT columns and the raw payload column) or dlq (the dead-letter queue, with the reason).";
    public static final String NON_JSON_DEFAULT = "raw";

    public static final String RAW_COLUMN_CONFIG = "iceberg.payload.raw-column.enabled";
    public static final String RAW_COLUMN_DOC = "Keep the payload as it arrived in a binary column.";
    public static final boolean RAW_COLUMN_DEFAULT = true;

    /** The registry client's keys ({@link RegistryConfigKeys}) stand behind this prefix. */
    public static final String REGISTRY_PREFIX = "iceberg.";

    public static final String REGISTRY_URL_CONFIG = REGISTRY_PREFIX + RegistryConfigKeys.URL;
    static final String REGISTRY_URL_DOC_END = "gets its payload columns from the registered Avro, JSON Schema or "
            + "Protobuf schema of that id instead of from JSON; other payloads are read as iceberg.payload.format says. "
            + "Ignored with iceberg.payload.format=raw. Empty: no registry.";
    public static final String REGISTRY_BASIC_AUTH_CONFIG = REGISTRY_PREFIX + RegistryConfigKeys.BASIC_AUTH;
    public static final String REGISTRY_TRUSTSTORE_CONFIG = REGISTRY_PREFIX + RegistryConfigKeys.TRUSTSTORE;
    public static final String REGISTRY_TRUSTSTORE_PASSWORD_CONFIG =
            REGISTRY_PREFIX + RegistryConfigKeys.TRUSTSTORE_PASSWORD;
    public static final String REGISTRY_TRUSTSTORE_TYPE_CONFIG = REGISTRY_PREFIX + RegistryConfigKeys.TRUSTSTORE_TYPE;
    public static final String REGISTRY_TIMEOUT_CONFIG = REGISTRY_PREFIX + RegistryConfigKeys.TIMEOUT;
    static final String REGISTRY_RETRY_DOC_END =
            "reads that record again after a pause (no record goes to the dead-letter queue for an outage).";

    public static final ConfigDef CONFIG_DEF = configDef();

    public IcebergSinkConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
        IcebergSinkConfigValidation.validate(this);
    }

    /** The definition of every key above (types, defaults, validators, groups): {@link IcebergSinkConfigDef}. */
    public static ConfigDef configDef() {
        return IcebergSinkConfigDef.build();
    }

    public CatalogType catalogType() {
        return CatalogType.parse(getString(CATALOG_TYPE_CONFIG));
    }

    /** Catalog, S3 and Hadoop settings for {@code io.tributary.iceberg.table.Catalogs#load}. */
    public CatalogSettings catalogSettings() {
        Map<String, String> properties = new LinkedHashMap<>();
        originalsWithPrefix(CATALOG_PREFIX).forEach((key, value) -> {
            String text = value instanceof Password password ? password.value() : String.valueOf(value);
            if (!key.equals("name") && !key.equals("type") && !text.isBlank()) {
                properties.put(key, text.trim());
            }
        });
        Map<String, String> hadoop = new LinkedHashMap<>();
        originalsWithPrefix(HADOOP_PREFIX).forEach((key, value) -> hadoop.put(key, String.valueOf(value)));
        return new CatalogSettings(catalogType(), getString(CATALOG_NAME_CONFIG), properties, s3Settings(), hadoop);
    }

    public S3Settings s3Settings() {
        return new S3Settings(
                getString(S3_ENDPOINT_CONFIG).trim(),
                getString(S3_REGION_CONFIG).trim(),
                getBoolean(S3_PATH_STYLE_CONFIG),
                getString(S3_ACCESS_KEY_CONFIG).trim(),
                getPassword(S3_SECRET_KEY_CONFIG).value());
    }

    /** The routes in priority order, then the default table. */
    public TableRoutes routes() {
        List<TableRoutes.Route> routes = new ArrayList<>();
        for (String name : getList(ROUTES_CONFIG)) {
            routes.add(new TableRoutes.Route(
                    name,
                    routeSetting(name, ROUTE_FILTER_SUFFIX),
                    TableIdentifier.parse(routeSetting(name, ROUTE_TABLE_SUFFIX))));
        }
        String defaultTable = getString(TABLES_CONFIG).trim();
        return TableRoutes.of(routes, defaultTable.isEmpty() ? null : TableIdentifier.parse(defaultTable));
    }

    String routeSetting(String route, String suffix) {
        Object value = originals().get(ROUTE_PREFIX + route + suffix);
        return value == null ? "" : value.toString().trim();
    }

    /** The partition spec text of a table the sink creates: its own, else the default. */
    public String partitionBy(TableIdentifier table) {
        return tableSetting(table, TABLE_PARTITION_BY_SUFFIX).orElse(getString(PARTITION_BY_CONFIG));
    }

    /** The identifier (key) columns of an upsert table: its own, else the default; empty when not upserting. */
    public List<String> identifierColumns(TableIdentifier table) {
        if (!upsertEnabled()) {
            return List.of();
        }
        return tableSetting(table, TABLE_ID_COLUMNS_SUFFIX)
                .map(IcebergSinkConfig::splitList)
                .orElse(getList(UPSERT_ID_COLUMNS_CONFIG));
    }

    Optional<String> tableSetting(TableIdentifier table, String suffix) {
        Object value = originals().get(TABLE_PREFIX + table + suffix);
        return value == null ? Optional.empty() : Optional.of(value.toString().trim());
    }

    static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    public boolean autoCreateEnabled() {
        return getBoolean(AUTO_CREATE_CONFIG);
    }

    public boolean upsertEnabled() {
        return getBoolean(UPSERT_CONFIG);
    }

    public java.time.Duration catalogOpenTimeout() {
        return java.time.Duration.ofMillis(getLong(CATALOG_OPEN_TIMEOUT_CONFIG));
    }

    public long commitIntervalMs() {
        return getLong(COMMIT_INTERVAL_CONFIG);
    }

    public List<String> topicLevels() {
        return getList(TOPIC_LEVELS_CONFIG);
    }

    public PayloadFormat payloadFormat() {
        return PayloadFormat.valueOf(getString(PAYLOAD_FORMAT_CONFIG).toUpperCase(Locale.ROOT));
    }

    public NonJsonPayload nonJsonPayload() {
        return NonJsonPayload.valueOf(getString(NON_JSON_CONFIG).toUpperCase(Locale.ROOT));
    }

    /** How to reach the schema registry, when one is configured. */
    public Optional<RegistrySettings> registrySettings() {
        return RegistryConfigKeys.settings(this, REGISTRY_PREFIX);
    }

    public boolean rawPayloadColumnEnabled() {
        return getBoolean(RAW_COLUMN_CONFIG);
    }
}
