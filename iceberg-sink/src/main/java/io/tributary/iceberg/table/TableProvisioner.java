/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a table or creates it, with its namespace. Several tasks start at once and may all find the table
 * missing: whoever loses the race to create it loads the winner's table instead.
 */
public final class TableProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TableProvisioner.class);

    /**
     * Read by Iceberg's Parquet writer from the table properties (there is no per-column switch in Iceberg 1.10).
     */
    static final String PARQUET_DICTIONARY = "parquet.enable.dictionary";

    /**
     * Properties of every table the sink creates: format v2 for equality deletes (upsert), and old metadata
     * files removed as commits go on, since a sink commits every few seconds to minutes. Parquet dictionary
     * encoding off: for MQTT rows it was the largest single cost of writing (a hash look-up per value, and the
     * unique columns such as offsets, timestamps and the raw payload gain nothing from it), while zstd compresses
     * the repeated topic and level strings as well (docs/performance.md, "Iceberg sink"). A table's own
     * properties win: {@code ALTER TABLE ... SET TBLPROPERTIES ('parquet.enable.dictionary'='true')} turns it back on
     * from the next commit.
     */
    static final Map<String, String> TABLE_PROPERTIES = Map.of(
            TableProperties.FORMAT_VERSION,
            "2",
            TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED,
            "true",
            TableProperties.METADATA_PREVIOUS_VERSIONS_MAX,
            "100",
            PARQUET_DICTIONARY,
            "false");

    /** The raw payload column (MqttColumns.PAYLOAD; the table package does not see the row package). */
    static final String PAYLOAD_COLUMN = "payload";

    /**
     * Column statistics off for the raw payload column, on tables that have it: Parquet compared every payload
     * with the page's and the file's minimum and maximum, byte by byte (about a seventh of the writer thread's
     * time), for bounds nobody prunes on (a query filters on the typed payload columns, the topic, the times). The
     * column's Iceberg metrics mode is then {@code none}: Iceberg takes even the value and null counts from those
     * statistics, so {@code counts} would record nothing either. Both are table
     * properties: setting them back ({@code ...stats-enabled.column.payload = true}, {@code
     * ...metrics.column.payload = truncate(16)}) restores the bounds from the next commit.
     */
    static final Map<String, String> PAYLOAD_COLUMN_PROPERTIES = Map.of(
            TableProperties.PARQUET_COLUMN_STATS_ENABLED_PREFIX + PAYLOAD_COLUMN,
            "false",
            TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + PAYLOAD_COLUMN,
            "none");

    /** Attempts to create a table when racing tasks make an attempt fail. */
    private static final int CREATE_ATTEMPTS = 5;

    private TableProvisioner() {}

    /**
     * The table, created if missing.
     *
     * @param spec             built on {@code schema}
     * @param identifierFields the key columns of an upsert table (empty for append); Iceberg requires them to
     *                         be non-null, so optional top-level ones become required
     * @throws MissingBucketException when the warehouse bucket does not exist
     */
    public static Table ensure(
            Catalog catalog,
            TableIdentifier id,
            Schema schema,
            PartitionSpec spec,
            Collection<String> identifierFields) {
        try {
            return catalog.loadTable(id);
        } catch (NoSuchTableException missing) {
            return create(catalog, id, schema, spec, identifierFields);
        }
    }

    private static Table create(
            Catalog catalog,
            TableIdentifier id,
            Schema schema,
            PartitionSpec spec,
            Collection<String> identifierFields) {
        Schema keyed = withIdentifierFields(schema, identifierFields, id);
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
            try {
                ensureNamespace(catalog, id.namespace());
                if (!catalog.tableExists(id)) {
                    createOnce(catalog, id, keyed, spec);
                }
                return catalog.loadTable(id);
            } catch (MissingBucketException e) {
                throw e; // no retry can create the bucket
            } catch (RuntimeException e) {
                // A task that lost the race gets AlreadyExistsException, a unique-key violation, or (SQLite) a
                // write conflict: try again, and find the winner's table.
                LOG.info("Creating Iceberg table {} failed (attempt {}): {}", id, attempt, e.toString());
                failure = e;
            }
        }
        throw failure;
    }

    private static void createOnce(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
        // A create transaction knows the table's location before anything is written, so a missing bucket
        // can be named in the error.
        Transaction creation = catalog.buildTable(id, schema)
                .withPartitionSpec(spec)
                .withProperties(propertiesFor(schema))
                .createTransaction();
        String location = creation.table().location();
        try {
            creation.commitTransaction();
        } catch (RuntimeException e) {
            MissingBucketException missingBucket =
                    MissingBucketException.in(e, location).orElse(null);
            throw missingBucket != null ? missingBucket : e;
        }
        LOG.info("Created Iceberg table {} at {} partitioned by {}", id, location, spec);
    }

    /** The properties of a new table of {@code schema}: the payload column's only when it has one. */
    static Map<String, String> propertiesFor(Schema schema) {
        Types.NestedField payload = schema.findField(PAYLOAD_COLUMN);
        if (payload == null || !payload.type().equals(Types.BinaryType.get())) {
            return TABLE_PROPERTIES;
        }
        Map<String, String> properties = new HashMap<>(TABLE_PROPERTIES);
        properties.putAll(PAYLOAD_COLUMN_PROPERTIES);
        return properties;
    }

    private static void ensureNamespace(Catalog catalog, Namespace namespace) {
        if (namespace.isEmpty() || !(catalog instanceof SupportsNamespaces namespaces)) {
            return;
        }
        // Create each level: REST and JDBC catalogs do not create parents of a nested namespace.
        String[] levels = namespace.levels();
        for (int depth = 1; depth <= levels.length; depth++) {
            Namespace level = Namespace.of(Arrays.copyOf(levels, depth));
            if (namespaces.namespaceExists(level)) {
                continue;
            }
            try {
                namespaces.createNamespace(level);
                LOG.info("Created Iceberg namespace {}", level);
            } catch (RuntimeException e) {
                // AlreadyExistsException, or a unique-key violation from a JDBC catalog: another task won.
                if (!namespaces.namespaceExists(level)) {
                    throw e;
                }
            }
        }
    }

    static Schema withIdentifierFields(Schema schema, Collection<String> identifierFields, TableIdentifier id) {
        if (identifierFields.isEmpty()) {
            return schema;
        }
        Set<Integer> ids = new HashSet<>();
        for (String name : identifierFields) {
            Types.NestedField field = schema.findField(name);
            if (field == null) {
                throw new IllegalArgumentException(
                        "identifier column '" + name + "' of table " + id + " is not in its schema");
            }
            ids.add(field.fieldId());
        }
        List<Types.NestedField> columns = new ArrayList<>();
        for (Types.NestedField column : schema.columns()) {
            columns.add(ids.contains(column.fieldId()) ? column.asRequired() : column);
        }
        try {
            return new Schema(columns, ids);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "identifier columns " + identifierFields + " of table " + id + ": " + e.getMessage(), e);
        }
    }
}
