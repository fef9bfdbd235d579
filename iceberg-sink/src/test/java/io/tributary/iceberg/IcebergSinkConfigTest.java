/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.table.CatalogSettings;
import io.tributary.iceberg.table.CatalogType;
import io.tributary.registry.RegistrySettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class IcebergSinkConfigTest {
    /** The settings of examples/iceberg-sink.json with its environment filled in. */
    private static Map<String, String> example() {
        Map<String, String> settings = new HashMap<>();
        settings.put("iceberg.catalog.type", "jdbc");
        settings.put("iceberg.catalog.uri", "jdbc:sqlite:/var/lib/tributary/catalog.db");
        settings.put("iceberg.catalog.warehouse", "s3://lake/warehouse");
        settings.put("iceberg.tables", "iot.messages");
        settings.put("iceberg.s3.endpoint", "http://127.0.0.1:9000");
        settings.put("iceberg.s3.region", "us-east-1");
        settings.put("iceberg.s3.access-key-id", "AKIA");
        settings.put("iceberg.s3.secret-access-key", "secret");
        settings.put("iceberg.topic.levels", "site,device,metric");
        settings.put("iceberg.commit.interval-ms", "10000");
        return settings;
    }

    private static IcebergSinkConfig with(String key, String value) {
        Map<String, String> settings = example();
        settings.put(key, value);
        return new IcebergSinkConfig(settings);
    }

    private static void assertRejected(Map<String, String> settings, String key, String reason) {
        assertThatThrownBy(() -> new IcebergSinkConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(reason);
    }

    private static void assertRejected(String key, String value, String reason) {
        Map<String, String> settings = example();
        settings.put(key, value);
        assertRejected(settings, key, reason);
    }

    @Test
    void exampleGivesCatalogSettingsWithPassThroughPropertiesAndS3Access() {
        Map<String, String> settings = example();
        settings.put("iceberg.catalog.jdbc.schema-version", "V1");
        settings.put("iceberg.hadoop.fs.defaultFS", "hdfs://nn:8020");
        IcebergSinkConfig config = new IcebergSinkConfig(settings);

        CatalogSettings catalog = config.catalogSettings();

        assertThat(catalog.type()).isEqualTo(CatalogType.JDBC);
        assertThat(catalog.name()).isEqualTo("lake");
        assertThat(catalog.properties())
                .containsEntry("uri", "jdbc:sqlite:/var/lib/tributary/catalog.db")
                .containsEntry("warehouse", "s3://lake/warehouse")
                .containsEntry("jdbc.schema-version", "V1")
                .doesNotContainKeys("name", "type");
        assertThat(catalog.s3().endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(catalog.s3().secretAccessKey()).isEqualTo("secret");
        assertThat(catalog.s3().pathStyleInForce()).isTrue();
        assertThat(catalog.toString()).doesNotContain("secret");
        assertThat(catalog.hadoop()).containsEntry("fs.defaultFS", "hdfs://nn:8020");
        assertThat(config.commitIntervalMs()).isEqualTo(10_000L);
        assertThat(config.topicLevels()).containsExactly("site", "device", "metric");
        assertThat(config.payloadFormat()).isEqualTo(IcebergSinkConfig.PayloadFormat.JSON);
        assertThat(config.nonJsonPayload()).isEqualTo(IcebergSinkConfig.NonJsonPayload.RAW);
        assertThat(config.rawPayloadColumnEnabled()).isTrue();
        assertThat(config.autoCreateEnabled()).isTrue();
    }

    @Test
    void jdbcPasswordIsPassedToTheCatalogButHiddenFromTheConfigsToString() {
        IcebergSinkConfig config = with("iceberg.catalog.jdbc.password", "hunter2");

        assertThat(config.catalogSettings().properties()).containsEntry("jdbc.password", "hunter2");
        assertThat(config.values().get("iceberg.catalog.jdbc.password").toString())
                .doesNotContain("hunter2");
    }

    @Test
    void routesAreTriedInTheListedOrderThenTheDefaultTable() {
        Map<String, String> settings = example();
        settings.put("iceberg.routes", "temperature,sensors");
        settings.put("iceberg.route.temperature.filter", "sensors/+/temperature");
        settings.put("iceberg.route.temperature.table", "iot.temperature");
        settings.put("iceberg.route.sensors.filter", "sensors/#");
        settings.put("iceberg.route.sensors.table", "iot.sensors");
        IcebergSinkConfig config = new IcebergSinkConfig(settings);

        assertThat(config.routes().tableFor("sensors/s1/temperature"))
                .contains(TableIdentifier.of("iot", "temperature"));
        assertThat(config.routes().tableFor("sensors/s1/humidity")).contains(TableIdentifier.of("iot", "sensors"));
        assertThat(config.routes().tableFor("lights/l1")).contains(TableIdentifier.of("iot", "messages"));
    }

    @Test
    void perTablePartitionSpecAndKeyColumnsOverrideTheDefaults() {
        Map<String, String> settings = example();
        settings.put("iceberg.partition-by", "day(timestamp)");
        settings.put("iceberg.table.iot.latest.partition-by", "identity(site)");
        settings.put("iceberg.upsert.enabled", "true");
        settings.put("iceberg.upsert.id-columns", "topic");
        settings.put("iceberg.table.iot.latest.id-columns", "site, device");
        IcebergSinkConfig config = new IcebergSinkConfig(settings);

        assertThat(config.partitionBy(TableIdentifier.of("iot", "latest"))).isEqualTo("identity(site)");
        assertThat(config.partitionBy(TableIdentifier.of("iot", "messages"))).isEqualTo("day(timestamp)");
        assertThat(config.identifierColumns(TableIdentifier.of("iot", "latest")))
                .containsExactly("site", "device");
        assertThat(config.identifierColumns(TableIdentifier.of("iot", "messages")))
                .containsExactly("topic");
    }

    @Test
    void withoutUpsertNoTableHasKeyColumns() {
        IcebergSinkConfig config = with("iceberg.upsert.id-columns", "topic");

        assertThat(config.identifierColumns(TableIdentifier.of("iot", "messages")))
                .isEmpty();
    }

    @Test
    void catalogsNeedTheirUriAndWarehouse() {
        assertRejected("iceberg.catalog.uri", "", "needs a JDBC URL");
        assertRejected("iceberg.catalog.warehouse", "", "needs a warehouse");
        Map<String, String> rest = example();
        rest.put("iceberg.catalog.type", "rest");
        rest.put("iceberg.catalog.uri", "catalog:8181");
        assertRejected(rest, "iceberg.catalog.uri", "http(s) URL");
        rest.put("iceberg.catalog.uri", "http://catalog:8181");
        rest.remove("iceberg.catalog.warehouse");
        assertThat(new IcebergSinkConfig(rest).catalogType()).isEqualTo(CatalogType.REST);
        assertRejected("iceberg.catalog.type", "hive", "iceberg.catalog.type");
    }

    @Test
    void hadoopCatalogRefusesAnS3Warehouse() {
        Map<String, String> settings = example();
        settings.put("iceberg.catalog.type", "hadoop");
        assertRejected(settings, "iceberg.catalog.warehouse", "S3 cannot do atomically");
        settings.put("iceberg.catalog.warehouse", "hdfs://nn:8020/warehouse");
        assertThat(new IcebergSinkConfig(settings).catalogType()).isEqualTo(CatalogType.HADOOP);
    }

    @Test
    void tablesMustHaveANamespaceAndSomewhereToGo() {
        assertRejected("iceberg.tables", "messages", "namespace.table");
        assertRejected("iceberg.tables", "iot..messages", "namespace.table");
        assertRejected("iceberg.tables", "", "at least one route");
    }

    @Test
    void routeKeysMustBelongToAListedRouteWithAValidFilterAndTable() {
        Map<String, String> settings = example();
        settings.put("iceberg.route.temp.filter", "sensors/+/temperature");
        assertRejected(settings, "iceberg.route.temp.filter", "not listed in iceberg.routes");
        settings.put("iceberg.routes", "temp");
        assertRejected(settings, "iceberg.route.temp.table", "namespace.table");
        settings.put("iceberg.route.temp.table", "iot.temperature");
        settings.put("iceberg.route.temp.filter", "sensors/temp#");
        assertRejected(settings, "iceberg.route.temp.filter", "'#' must occupy a whole level");
        settings.put("iceberg.route.temp.filter", "sensors/+/temperature");
        settings.put("iceberg.route.temp.tabel", "iot.x");
        assertRejected(settings, "iceberg.route.temp.tabel", ".filter or .table");
    }

    @Test
    void partitionSpecsAreCheckedForSyntaxNamingTheTerm() {
        assertRejected("iceberg.partition-by", "day(ts), week(ts)", "unknown transform 'week'");
        assertRejected("iceberg.table.iot.messages.partition-by", "bucket(x, device)", "bucket(x, device)");
    }

    @Test
    void upsertNeedsKeyColumnsForEveryTable() {
        Map<String, String> settings = example();
        settings.put("iceberg.upsert.enabled", "true");
        assertRejected(settings, "iceberg.upsert.id-columns", "table iot.messages");
        settings.put("iceberg.table.iot.messages.id-columns", "device");
        assertThat(new IcebergSinkConfig(settings).identifierColumns(TableIdentifier.of("iot", "messages")))
                .isEqualTo(List.of("device"));
    }

    @Test
    void payloadMustLandSomewhere() {
        Map<String, String> settings = example();
        settings.put("iceberg.payload.raw-column.enabled", "false");
        assertRejected(settings, "iceberg.payload.raw-column.enabled", "not JSON would be dropped");
        settings.put("iceberg.payload.non-json", "dlq");
        assertThat(new IcebergSinkConfig(settings).nonJsonPayload()).isEqualTo(IcebergSinkConfig.NonJsonPayload.DLQ);
        settings.put("iceberg.payload.format", "raw");
        assertRejected(settings, "iceberg.payload.raw-column.enabled", "payload would be dropped");
    }

    @Test
    void topicLevelNamesMustBeUniqueColumnNames() {
        assertRejected("iceberg.topic.levels", "site,site", "unique");
        assertRejected("iceberg.topic.levels", "site,device-id", "'device-id' is not a column name");
    }

    @Test
    void everyKeyHasDocumentation() {
        IcebergSinkConfig.CONFIG_DEF
                .configKeys()
                .values()
                .forEach(key -> assertThat(key.documentation).as(key.name).isNotBlank());
        assertThat(Optional.ofNullable(IcebergSinkConfig.CONFIG_DEF
                        .configKeys()
                        .get(IcebergSinkConfig.COMMIT_INTERVAL_CONFIG)
                        .defaultValue))
                .contains(60_000L);
    }

    @Test
    void aRegistryUrlGivesRegistrySettingsAndNoneGivesNoRegistry() {
        assertThat(new IcebergSinkConfig(example()).registrySettings()).isEmpty();
        Map<String, String> settings = example();
        settings.put(IcebergSinkConfig.REGISTRY_URL_CONFIG, " https://registry:8081 ");
        settings.put(IcebergSinkConfig.REGISTRY_BASIC_AUTH_CONFIG, "lake:secret");
        settings.put(IcebergSinkConfig.REGISTRY_TRUSTSTORE_CONFIG, "/etc/tributary/registry.p12");
        settings.put(IcebergSinkConfig.REGISTRY_TIMEOUT_CONFIG, "2500");

        RegistrySettings registry =
                new IcebergSinkConfig(settings).registrySettings().orElseThrow();

        assertThat(registry.url()).isEqualTo("https://registry:8081");
        assertThat(registry.userInfo()).isEqualTo("lake:secret");
        assertThat(registry.trustStore()).isEqualTo("/etc/tributary/registry.p12");
        assertThat(registry.trustStoreType()).isEqualTo("PKCS12");
        assertThat(registry.timeout()).isEqualTo(java.time.Duration.ofMillis(2500));
    }
}
