/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import io.tributary.iceberg.table.CatalogSettings;
import io.tributary.iceberg.table.CatalogType;
import io.tributary.iceberg.table.S3Settings;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Where the lake is: a JDBC catalog in a SQLite file and a warehouse directory, as the quick start sets up
 * (examples/iceberg-sink.json with a local warehouse), and the tables the tests query.
 *
 * @param catalogUri {@code jdbc:sqlite:<file>}
 * @param warehouse  a directory, or {@code s3://bucket/path}
 * @param s3         how to reach an {@code s3://} warehouse
 */
record Lake(String catalogUri, String warehouse, S3Settings s3) {
    /** The sink's default catalog name; the JDBC catalog stores it with every table, so Spark must use it too. */
    static final String CATALOG = "lake";

    /** Every message, appended: averages and time travel. */
    static final TableIdentifier TELEMETRY = TableIdentifier.of("iot", "telemetry");
    /** Upsert keyed by device: the latest value per device. */
    static final TableIdentifier LATEST = TableIdentifier.of("iot", "latest");

    /** {@code sensors/<site>/<device>/<kind>}: one column per level. */
    static final String TOPIC_LEVELS = "sensors,site,device,kind";

    static Lake inDirectory(Path dir) {
        return new Lake(
                "jdbc:sqlite:" + dir.resolve("catalog.db"),
                dir.resolve("warehouse").toString(),
                S3Settings.DEFAULT);
    }

    /** The sink's catalog settings, as IcebergSinkConfig builds them from iceberg.catalog.*. */
    CatalogSettings sinkCatalogSettings() {
        return new CatalogSettings(
                CatalogType.JDBC, CATALOG, Map.of("uri", catalogUri, "warehouse", warehouse), s3, Map.of());
    }

    boolean onS3() {
        return warehouse.startsWith("s3://");
    }

    /** "lake.iot.telemetry": the name an analyst types. */
    static String sparkName(TableIdentifier table) {
        return CATALOG + "." + table;
    }
}
