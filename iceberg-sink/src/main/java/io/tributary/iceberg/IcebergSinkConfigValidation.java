/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg;

import static io.tributary.iceberg.IcebergSinkConfig.*;

import io.tributary.iceberg.IcebergSinkConfig.NonJsonPayload;
import io.tributary.iceberg.IcebergSinkConfig.PayloadFormat;
import io.tributary.iceberg.table.CatalogType;
import io.tributary.iceberg.table.PartitionSpecs;
import io.tributary.iceberg.table.TableRoutes;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.common.config.ConfigException;

/**
 * The checks across settings of {@link IcebergSinkConfig} (single-setting checks are the ConfigDef's
 * validators), so a connector with a bad configuration fails at validation with the key and the reason.
 */
final class IcebergSinkConfigValidation {
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private IcebergSinkConfigValidation() {}

    static void validate(IcebergSinkConfig config) {
        checkCatalog(config);
        checkPerRouteAndPerTableKeys(config);
        TableRoutes routes = checkRoutes(config);
        checkPartitionSpec(PARTITION_BY_CONFIG, config.getString(PARTITION_BY_CONFIG));
        checkUpsert(config, routes);
        checkColumns(config);
    }

    private static void checkCatalog(IcebergSinkConfig config) {
        CatalogType type = config.catalogType();
        String uri = config.getString(CATALOG_URI_CONFIG).trim();
        String warehouse = config.getString(CATALOG_WAREHOUSE_CONFIG).trim();
        String lowerUri = uri.toLowerCase(Locale.ROOT);
        switch (type) {
            case JDBC -> {
                if (!lowerUri.startsWith("jdbc:")) {
                    throw new ConfigException(
                            CATALOG_URI_CONFIG,
                            uri,
                            "a jdbc catalog needs a JDBC URL, e.g. jdbc:sqlite:/path/catalog.db");
                }
                requireWarehouse(type, warehouse);
            }
            case REST -> {
                if (!lowerUri.startsWith("http://") && !lowerUri.startsWith("https://")) {
                    throw new ConfigException(
                            CATALOG_URI_CONFIG, uri, "a rest catalog needs its http(s) URL, e.g. http://catalog:8181");
                }
            }
            case HADOOP -> {
                requireWarehouse(type, warehouse);
                String scheme = warehouse.toLowerCase(Locale.ROOT);
                if (scheme.startsWith("s3:") || scheme.startsWith("s3a:") || scheme.startsWith("s3n:")) {
                    throw new ConfigException(
                            CATALOG_WAREHOUSE_CONFIG,
                            warehouse,
                            "a hadoop catalog commits by renaming files, which S3 cannot do atomically: "
                                    + "use a jdbc or rest catalog for an S3 warehouse");
                }
            }
        }
    }

    private static void requireWarehouse(CatalogType type, String warehouse) {
        if (warehouse.isEmpty()) {
            throw new ConfigException(
                    CATALOG_WAREHOUSE_CONFIG,
                    warehouse,
                    "a " + type.icebergType() + " catalog needs a warehouse, e.g. s3://lake/warehouse");
        }
    }

    /** Keys of the iceberg.route.* and iceberg.table.* families must name a listed route or a valid table. */
    private static void checkPerRouteAndPerTableKeys(IcebergSinkConfig config) {
        List<String> routeNames = config.getList(ROUTES_CONFIG);
        for (var entry : config.originals().entrySet()) {
            String key = entry.getKey();
            String value = String.valueOf(entry.getValue());
            if (key.startsWith(ROUTE_PREFIX)) {
                String rest = key.substring(ROUTE_PREFIX.length());
                String name = stripSuffix(rest, ROUTE_FILTER_SUFFIX, ROUTE_TABLE_SUFFIX);
                if (name == null) {
                    throw new ConfigException(key, value, "route keys are iceberg.route.<name>.filter or .table");
                }
                if (!routeNames.contains(name)) {
                    throw new ConfigException(key, value, "route '" + name + "' is not listed in " + ROUTES_CONFIG);
                }
            } else if (key.startsWith(TABLE_PREFIX)) {
                String rest = key.substring(TABLE_PREFIX.length());
                String table = stripSuffix(rest, TABLE_PARTITION_BY_SUFFIX, TABLE_ID_COLUMNS_SUFFIX);
                if (table == null) {
                    throw new ConfigException(
                            key,
                            value,
                            "per-table keys are iceberg.table.<namespace.table>.partition-by or .id-columns");
                }
                tableIdentifier(key, table);
                if (key.endsWith(TABLE_PARTITION_BY_SUFFIX)) {
                    checkPartitionSpec(key, value);
                }
            }
        }
    }

    private static String stripSuffix(String text, String... suffixes) {
        for (String suffix : suffixes) {
            if (text.endsWith(suffix) && text.length() > suffix.length()) {
                return text.substring(0, text.length() - suffix.length());
            }
        }
        return null;
    }

    private static TableRoutes checkRoutes(IcebergSinkConfig config) {
        List<String> names = config.getList(ROUTES_CONFIG);
        Set<String> duplicates = duplicates(names);
        if (!duplicates.isEmpty()) {
            throw new ConfigException(ROUTES_CONFIG, names, "route names must be unique: " + duplicates);
        }
        for (String name : names) {
            String filterKey = ROUTE_PREFIX + name + ROUTE_FILTER_SUFFIX;
            String filter = config.routeSetting(name, ROUTE_FILTER_SUFFIX);
            if (filter.isEmpty()) {
                throw new ConfigException(filterKey, filter, "route '" + name + "' needs an MQTT topic filter");
            }
            String tableKey = ROUTE_PREFIX + name + ROUTE_TABLE_SUFFIX;
            tableIdentifier(tableKey, config.routeSetting(name, ROUTE_TABLE_SUFFIX));
            try {
                TableRoutes.of(List.of(new TableRoutes.Route(name, filter, TableIdentifier.of("x", "y"))), null);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(filterKey, filter, e.getMessage());
            }
        }
        String defaultTable = config.getString(TABLES_CONFIG).trim();
        if (!defaultTable.isEmpty()) {
            tableIdentifier(TABLES_CONFIG, defaultTable);
        } else if (names.isEmpty()) {
            throw new ConfigException(
                    TABLES_CONFIG, defaultTable, "set a default table (e.g. iot.messages) or at least one route");
        }
        return config.routes();
    }

    private static void tableIdentifier(String key, String text) {
        String reason = "a table is namespace.table, e.g. iot.messages";
        if (text.isEmpty() || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
            throw new ConfigException(key, text, reason);
        }
        if (TableIdentifier.parse(text).namespace().isEmpty()) {
            throw new ConfigException(key, text, reason);
        }
    }

    private static void checkUpsert(IcebergSinkConfig config, TableRoutes routes) {
        if (!config.upsertEnabled()) {
            return;
        }
        for (TableIdentifier table : routes.tables()) {
            List<String> columns = config.identifierColumns(table);
            if (columns.isEmpty()) {
                throw new ConfigException(
                        UPSERT_ID_COLUMNS_CONFIG,
                        "",
                        "upsert needs key columns for table " + table + ": set " + UPSERT_ID_COLUMNS_CONFIG + " or "
                                + TABLE_PREFIX + table + TABLE_ID_COLUMNS_SUFFIX);
            }
            for (String column : columns) {
                for (String part : column.split("\\.", -1)) {
                    if (!isColumnName(part)) {
                        throw new ConfigException(
                                UPSERT_ID_COLUMNS_CONFIG, columns, "'" + column + "' is not a column name");
                    }
                }
            }
        }
    }

    private static void checkColumns(IcebergSinkConfig config) {
        List<String> levels = config.topicLevels();
        for (String level : levels) {
            if (!isColumnName(level)) {
                throw new ConfigException(
                        TOPIC_LEVELS_CONFIG, levels, "'" + level + "' is not a column name (letters, digits, _)");
            }
        }
        Set<String> duplicates = duplicates(levels);
        if (!duplicates.isEmpty()) {
            throw new ConfigException(TOPIC_LEVELS_CONFIG, levels, "level names must be unique: " + duplicates);
        }
        if (config.rawPayloadColumnEnabled()) {
            return;
        }
        if (config.payloadFormat() == PayloadFormat.RAW) {
            throw new ConfigException(
                    RAW_COLUMN_CONFIG, false, "with " + PAYLOAD_FORMAT_CONFIG + "=raw the payload would be dropped");
        }
        if (config.nonJsonPayload() == NonJsonPayload.RAW) {
            throw new ConfigException(
                    RAW_COLUMN_CONFIG,
                    false,
                    "with " + NON_JSON_CONFIG + "=raw a payload that is not JSON would be dropped; set "
                            + NON_JSON_CONFIG + "=dlq or keep the raw column");
        }
    }

    private static boolean isColumnName(String name) {
        return COLUMN_NAME.matcher(name).matches();
    }

    private static Set<String> duplicates(List<String> names) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        names.forEach(name -> {
            if (!seen.add(name)) {
                duplicates.add(name);
            }
        });
        return duplicates;
    }

    private static void checkPartitionSpec(String key, String text) {
        try {
            PartitionSpecs.terms(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, text, e.getMessage());
        }
    }
}
