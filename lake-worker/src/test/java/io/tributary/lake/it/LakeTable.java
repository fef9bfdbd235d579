/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * The lake's table read as any Iceberg engine reads it: Iceberg's JdbcCatalog on the lake's SQLite file and
 * IcebergGenerics, nothing of the sink. A fresh catalog per read, so that no SQLite connection of this JVM holds
 * on to an old snapshot of the catalog while the worker commits.
 */
final class LakeTable {
    private LakeTable() {}

    /** Every row of {@code table} in the lake at {@code dir}, or none while the table does not exist. */
    static List<Record> rows(Path dir, String table) {
        JdbcCatalog catalog = new JdbcCatalog();
        catalog.setConf(new Configuration());
        catalog.initialize(
                "lake",
                Map.of(
                        "uri",
                        "jdbc:sqlite:" + dir.resolve("catalog.db"),
                        "warehouse",
                        dir.resolve("warehouse").toString(),
                        "jdbc.init-catalog-tables",
                        "false",
                        "clients",
                        "1"));
        try (catalog) {
            TableIdentifier id = TableIdentifier.parse(table);
            if (!catalog.tableExists(id)) {
                return List.of();
            }
            Table loaded = catalog.loadTable(id);
            List<Record> rows = new ArrayList<>();
            try (CloseableIterable<Record> scan = IcebergGenerics.read(loaded).build()) {
                scan.forEach(row -> rows.add(row.copy()));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
