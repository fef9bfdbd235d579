/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.util.Map;

/**
 * Everything needed to open the catalog, independent of how it was configured.
 *
 * @param type       which catalog
 * @param name       the catalog's name; a JDBC catalog stores it with every table, so an engine reading the same
 *                   database must use the same name
 * @param properties Iceberg catalog properties ({@code uri}, {@code warehouse}, {@code jdbc.user}, {@code
 *                   credential}, ...), passed on as they are
 * @param s3         S3 access for an {@code s3://} warehouse
 * @param hadoop     Hadoop configuration entries ({@code fs.defaultFS}, {@code dfs.*}) for an {@code hdfs://}
 *                   warehouse
 */
public record CatalogSettings(
        CatalogType type, String name, Map<String, String> properties, S3Settings s3, Map<String, String> hadoop) {

    public CatalogSettings {
        properties = Map.copyOf(properties);
        hadoop = Map.copyOf(hadoop);
    }

    public String warehouse() {
        return properties.getOrDefault("warehouse", "");
    }

    @Override
    public String toString() {
        // Properties may hold passwords and tokens: name the catalog only.
        return "CatalogSettings[type=" + type + ", name=" + name + ", warehouse=" + warehouse() + ", " + s3 + "]";
    }
}
