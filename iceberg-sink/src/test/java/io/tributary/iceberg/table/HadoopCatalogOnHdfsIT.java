/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.IcebergSinkConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hadoop catalog with an hdfs:// warehouse on an in-process MiniDFSCluster. */
class HadoopCatalogOnHdfsIT {
    @TempDir
    static Path work;

    private static MiniDFSCluster cluster;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        cluster.shutdown();
    }

    @Test
    void tablesLiveUnderTheHdfsWarehouseAndRoundTripRows() throws Exception {
        String warehouse = "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/warehouse";
        IcebergSinkConfig config = new IcebergSinkConfig(Map.of(
                "iceberg.catalog.type", "hadoop",
                "iceberg.catalog.warehouse", warehouse,
                "iceberg.hadoop.dfs.replication", "1",
                "iceberg.tables", "iot.messages"));
        TableIdentifier id = TableIdentifier.of("iot", "messages");

        Table table = TableProvisioner.ensure(
                Catalogs.load(config.catalogSettings()),
                id,
                TableFixtures.SCHEMA,
                PartitionSpecs.parse(TableFixtures.SCHEMA, "bucket(4, site)"),
                List.of());
        TableFixtures.assertRoundTrip(table);

        assertThat(table.location()).isEqualTo(warehouse + "/iot/messages");
        FileSystem fs = cluster.getFileSystem();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/warehouse/iot/messages/metadata/version-hint.text")))
                .isTrue();
        Table again = TableProvisioner.ensure(
                Catalogs.load(config.catalogSettings()), id, TableFixtures.SCHEMA, table.spec(), List.of());
        assertThat(TableFixtures.readAll(again)).hasSize(2);
    }
}
