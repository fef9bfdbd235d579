/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.shard.testing.S3ProxyProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** JDBC catalog on SQLite, warehouse on S3Proxy through S3FileIO with our client factory. */
class JdbcCatalogOnS3IT {
    @TempDir
    static Path work;

    private static S3ProxyProcess s3proxy;
    private static S3Client s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3proxy = S3ProxyProcess.start(work.resolve("s3proxy"));
        s3 = s3proxy.client();
        s3.createBucket(create -> create.bucket("lake"));
    }

    @AfterAll
    static void stopS3() {
        s3.close();
        s3proxy.close();
    }

    /** The settings of examples/iceberg-sink.json, with the catalog file in a directory not yet made. */
    private static IcebergSinkConfig config(String warehouse) {
        Map<String, String> settings = new HashMap<>();
        settings.put("iceberg.catalog.type", "jdbc");
        settings.put("iceberg.catalog.uri", "jdbc:sqlite:" + work.resolve("catalog/dir/catalog.db"));
        settings.put("iceberg.catalog.warehouse", warehouse);
        settings.put("iceberg.tables", "iot.messages");
        settings.put("iceberg.s3.endpoint", s3proxy.endpoint().toString());
        settings.put("iceberg.s3.region", "us-east-1");
        settings.put("iceberg.s3.access-key-id", S3ProxyProcess.ACCESS_KEY);
        settings.put("iceberg.s3.secret-access-key", S3ProxyProcess.SECRET_KEY);
        return new IcebergSinkConfig(settings);
    }

    private static Catalog catalog() {
        return Catalogs.load(config("s3://lake/warehouse").catalogSettings());
    }

    @Test
    void createdTableTakesAppendedRowsInS3AndAnotherCatalogInstanceReadsThem() {
        TableIdentifier id = TableIdentifier.of("iot", "messages");
        PartitionSpec spec = PartitionSpecs.parse(TableFixtures.SCHEMA, "day(ts), identity(site)");

        Table table = TableProvisioner.ensure(catalog(), id, TableFixtures.SCHEMA, spec, List.of());
        TableFixtures.assertRoundTrip(table);

        assertThat(table.location()).isEqualTo("s3://lake/warehouse/iot/messages");
        assertThat(((BaseTable) table).operations().current().formatVersion()).isEqualTo(2);
        assertThat(table.spec().fields()).hasSize(2);
        List<String> keys =
                s3.listObjectsV2(list -> list.bucket("lake").prefix("warehouse/iot/messages/")).contents().stream()
                        .map(object -> object.key())
                        .toList();
        assertThat(keys)
                .anyMatch(key -> key.startsWith("warehouse/iot/messages/data/ts_day=2026-12-05/site=s1/"))
                .anyMatch(key -> key.startsWith("warehouse/iot/messages/metadata/"));
        Table again = TableProvisioner.ensure(catalog(), id, TableFixtures.SCHEMA, spec, List.of());
        assertThat(TableFixtures.readAll(again)).hasSize(2);
    }

    @Test
    void tasksRacingToCreateOneTableAllGetTheSameTable() throws Exception {
        TableIdentifier id = TableIdentifier.of("race", "latest");
        List<Callable<Table>> tasks = new ArrayList<>();
        for (int task = 0; task < 4; task++) {
            Catalog catalog = catalog();
            tasks.add(() -> TableProvisioner.ensure(
                    catalog, id, TableFixtures.SCHEMA, PartitionSpec.unpartitioned(), List.of("topic")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        List<String> uuids = new ArrayList<>();
        try {
            for (Future<Table> table : pool.invokeAll(tasks)) {
                uuids.add(table.get().uuid().toString());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(uuids).hasSize(4).containsOnly(uuids.get(0));
        Table table = catalog().loadTable(id);
        assertThat(table.schema().identifierFieldNames()).containsExactly("topic");
        assertThat(table.schema().findField("topic").isRequired())
                .as("Iceberg requires identifier columns to be required")
                .isTrue();
    }

    @Test
    void warehouseBucketThatDoesNotExistFailsWithItsName() {
        assertThatThrownBy(() ->
                        Catalogs.load(config("s3://no-such-bucket/warehouse").catalogSettings()))
                .isInstanceOf(MissingBucketException.class)
                .hasMessageContaining("S3 bucket 'no-such-bucket' does not exist")
                .hasMessageContaining("s3://no-such-bucket/warehouse");
    }

    @Test
    void bucketRemovedAfterStartFailsTableCreationWithItsName() {
        s3.createBucket(create -> create.bucket("short-lived"));
        CatalogSettings settings = config("s3://short-lived/warehouse").catalogSettings();
        Catalog catalog = Catalogs.load(settings);
        s3.deleteBucket(delete -> delete.bucket("short-lived"));

        assertThatThrownBy(() -> TableProvisioner.ensure(
                        catalog,
                        TableIdentifier.of("iot", "gone"),
                        TableFixtures.SCHEMA,
                        PartitionSpec.unpartitioned(),
                        List.of()))
                .isInstanceOf(MissingBucketException.class)
                .hasMessageContaining("'short-lived'");
        // The same catalog properties also work without our bucket check, e.g. in an engine.
        assertThat(CatalogUtil.buildIcebergCatalog("lake", Catalogs.icebergProperties(settings), null))
                .isNotNull();
    }
}
