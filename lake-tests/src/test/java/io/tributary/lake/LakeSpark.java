/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark SQL session with the lake's catalog, configured as docs/iceberg.md (section "query") tells an analyst
 * to configure {@code spark-sql}: same catalog name, same SQLite file, same warehouse as the sink.
 */
final class LakeSpark {
    private LakeSpark() {}

    /**
     * The catalog settings an analyst passes as {@code --conf}. The SQLite ones match what the sink's
     * {@code Catalogs} uses: WAL and IMMEDIATE transactions so Spark's upkeep commits queue behind the sink's
     * instead of failing, no check of the catalog's own tables at start (the sink created them; the check leaves
     * a statement open that pins its SQLite connection to an old snapshot), and one connection (two in one
     * process can lock each other out).
     */
    static Map<String, String> catalogConf(Lake lake) {
        String prefix = "spark.sql.catalog." + Lake.CATALOG;
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
        conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
        conf.put(prefix + ".type", "jdbc");
        conf.put(prefix + ".uri", lake.catalogUri());
        conf.put(prefix + ".warehouse", lake.warehouse());
        conf.put(prefix + ".jdbc.journal_mode", "WAL");
        conf.put(prefix + ".jdbc.transaction_mode", "IMMEDIATE");
        conf.put(prefix + ".jdbc.busy_timeout", "30000");
        conf.put(prefix + ".jdbc.init-catalog-tables", "false");
        conf.put(prefix + ".clients", "1");
        if (lake.onS3()) {
            conf.put(prefix + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
            conf.put(prefix + ".s3.endpoint", lake.s3().endpoint());
            conf.put(prefix + ".s3.path-style-access", "true");
            conf.put(prefix + ".s3.access-key-id", lake.s3().accessKeyId());
            conf.put(prefix + ".s3.secret-access-key", lake.s3().secretAccessKey());
            conf.put(prefix + ".client.region", lake.s3().region());
            // An analyst adds iceberg-aws-bundle, whose default client S3FileIO builds; this class path has the
            // sink's AWS SDK instead (without that client), so Spark uses the sink's factory, which reads the
            // same s3.* properties. With the bundle, S3Proxy-like stores need the SDK's checksum setting
            // (docs/iceberg.md, section "query").
            conf.put(prefix + ".s3.client-factory-impl", "io.tributary.iceberg.table.S3ClientFactory");
        }
        return conf;
    }

    static SparkSession open(Lake lake, Path scratch) {
        SparkSession.Builder builder = SparkSession.builder()
                .master("local[2]")
                .appName("tributary-lake-tests")
                // A test JVM, not an analyst's shell: no web UI, loopback only, small shuffles, files under scratch.
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.local.dir", scratch.resolve("local").toString())
                .config(
                        "spark.sql.warehouse.dir",
                        scratch.resolve("spark-warehouse").toString());
        catalogConf(lake).forEach(builder::config);
        return builder.getOrCreate();
    }
}
