/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which FileIO and S3 properties each kind of warehouse gets. */
class CatalogsTest {
    @Test
    void s3WarehouseGetsS3FileIoWithOurClientFactoryAndPathStyleForCustomEndpoints() {
        CatalogSettings settings = new CatalogSettings(
                CatalogType.JDBC,
                "lake",
                Map.of("uri", "jdbc:sqlite::memory:", "warehouse", "s3://lake/warehouse"),
                new S3Settings("http://127.0.0.1:9000", "", null, "key", "secret"),
                Map.of());

        Map<String, String> properties = Catalogs.icebergProperties(settings);

        assertThat(properties)
                .containsEntry("type", "jdbc")
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("s3.client-factory-impl", S3ClientFactory.class.getName())
                .containsEntry("s3.endpoint", "http://127.0.0.1:9000")
                .containsEntry("s3.path-style-access", "true")
                .containsEntry("s3.access-key-id", "key")
                .containsEntry("s3.secret-access-key", "secret")
                .doesNotContainKey("client.region");
    }

    @Test
    void realS3GetsNothingSpecial() {
        CatalogSettings settings = new CatalogSettings(
                CatalogType.REST,
                "lake",
                Map.of("uri", "https://catalog", "warehouse", "s3://lake/wh"),
                new S3Settings("", "eu-west-1", null, "", ""),
                Map.of());

        Map<String, String> properties = Catalogs.icebergProperties(settings);

        assertThat(properties)
                .containsEntry("client.region", "eu-west-1")
                .doesNotContainKeys("s3.endpoint", "s3.path-style-access", "s3.access-key-id");
    }

    @Test
    void hdfsAndLocalWarehousesKeepIcebergsDefaultHadoopFileIo() {
        for (String warehouse : new String[] {"hdfs://nn:8020/warehouse", "/var/lib/tributary/warehouse"}) {
            CatalogSettings settings = new CatalogSettings(
                    CatalogType.HADOOP, "lake", Map.of("warehouse", warehouse), S3Settings.DEFAULT, Map.of());

            assertThat(Catalogs.icebergProperties(settings)).doesNotContainKey("io-impl");
        }
    }

    @Test
    void anExplicitFileIoWins() {
        CatalogSettings settings = new CatalogSettings(
                CatalogType.JDBC,
                "lake",
                Map.of("warehouse", "s3://lake/wh", "io-impl", "org.example.MyFileIO"),
                S3Settings.DEFAULT,
                Map.of());

        assertThat(Catalogs.icebergProperties(settings)).containsEntry("io-impl", "org.example.MyFileIO");
    }

    @Test
    void warehouseBuckets() {
        assertThat(Warehouses.bucket("s3://lake/warehouse")).contains("lake");
        assertThat(Warehouses.bucket("s3a://lake")).contains("lake");
        assertThat(Warehouses.bucket("hdfs://nn:8020/warehouse")).isEmpty();
        assertThat(Warehouses.bucket("/tmp/warehouse")).isEmpty();
        assertThat(Warehouses.bucket("C:/warehouse")).isEmpty();
    }
}
