/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Opens the configured Iceberg catalog. Tables in an {@code s3://} warehouse are read and written through
 * Iceberg's {@code S3FileIO} with {@link S3ClientFactory}; tables in an {@code hdfs://} (or local) warehouse
 * through {@code HadoopFileIO}, Iceberg's default for JDBC and Hadoop catalogs.
 */
public final class Catalogs {
    private static final Logger LOG = LoggerFactory.getLogger(Catalogs.class);
    private static final String SQLITE_PREFIX = "jdbc:sqlite:";
    /** Catalog properties with this prefix are JDBC connection properties. */
    private static final String JDBC_PREFIX = "jdbc.";
    /** JdbcCatalog's switch for creating its tables at start. */
    private static final String INIT_CATALOG_TABLES = "jdbc.init-catalog-tables";

    private Catalogs() {}

    /**
     * Opens the catalog, after checking that an S3 warehouse's bucket exists.
     *
     * @throws MissingBucketException when S3 says the warehouse bucket does not exist
     */
    public static Catalog load(CatalogSettings settings) {
        Map<String, String> properties = icebergProperties(settings);
        requireWarehouseBucket(settings.warehouse(), properties);
        Configuration hadoop = new Configuration();
        settings.hadoop().forEach(hadoop::set);
        if (properties.getOrDefault(CatalogProperties.URI, "").startsWith(SQLITE_PREFIX)) {
            prepareSqlite(properties.get(CatalogProperties.URI));
            initializeSqliteCatalog(settings.name(), properties, hadoop);
            properties.put(INIT_CATALOG_TABLES, "false");
        }
        return CatalogUtil.buildIcebergCatalog(settings.name(), properties, hadoop);
    }

    /**
     * Creates the catalog's own tables with a catalog that is closed at once. JdbcCatalog's start-up check
     * leaves a metadata ResultSet open on a pooled connection; in SQLite that open statement pins the
     * connection to an old snapshot (WAL) or holds a read lock that blocks every writer (rollback journal),
     * so the catalog the sink keeps must not run that check. Closing the pool ends the leaked statement.
     */
    private static void initializeSqliteCatalog(String name, Map<String, String> properties, Configuration hadoop) {
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                Catalog init = CatalogUtil.buildIcebergCatalog(name, properties, hadoop);
                if (init instanceof Closeable closeable) {
                    closeable.close();
                }
                return;
            } catch (IOException e) {
                throw new UncheckedIOException("could not close the SQLite catalog after creating its tables", e);
            } catch (RuntimeException e) {
                failure = e; // another task creating the same tables at the same moment: check again
            }
        }
        throw failure;
    }

    /** The Iceberg catalog properties: the pass-through ones plus the FileIO choice and S3 access. */
    public static Map<String, String> icebergProperties(CatalogSettings settings) {
        Map<String, String> properties = new HashMap<>(settings.properties());
        properties.put(CatalogUtil.ICEBERG_CATALOG_TYPE, settings.type().icebergType());
        if (properties.getOrDefault(CatalogProperties.URI, "").startsWith(SQLITE_PREFIX)) {
            // Tasks commit to one SQLite file concurrently. In SQLite's default rollback journal an open reader
            // blocks every writer (SQLITE_BUSY); WAL lets readers and one writer work at once. IMMEDIATE
            // transactions take the write lock when they begin, so writers queue on the busy timeout instead
            // of failing at once when a read turns into a write.
            properties.putIfAbsent(JDBC_PREFIX + "journal_mode", "WAL");
            properties.putIfAbsent(JDBC_PREFIX + "transaction_mode", "IMMEDIATE");
            properties.putIfAbsent(JDBC_PREFIX + "busy_timeout", "30000");
        }
        if (!properties.containsKey(CatalogProperties.FILE_IO_IMPL) && Warehouses.isS3(settings.warehouse())) {
            properties.put(CatalogProperties.FILE_IO_IMPL, S3FileIO.class.getName());
        }
        // Also read by S3FileIO instances that a REST catalog's ResolvingFileIO creates for s3:// paths.
        properties.putIfAbsent(S3FileIOProperties.CLIENT_FACTORY, S3ClientFactory.class.getName());
        S3Settings s3 = settings.s3();
        putIfSet(properties, S3FileIOProperties.ENDPOINT, s3.endpoint());
        putIfSet(properties, AwsClientProperties.CLIENT_REGION, s3.region());
        putIfSet(properties, S3FileIOProperties.ACCESS_KEY_ID, s3.accessKeyId());
        putIfSet(properties, S3FileIOProperties.SECRET_ACCESS_KEY, s3.secretAccessKey());
        if (s3.pathStyle() != null || s3.hasCustomEndpoint()) {
            properties.putIfAbsent(S3FileIOProperties.PATH_STYLE_ACCESS, Boolean.toString(s3.pathStyleInForce()));
        }
        return properties;
    }

    private static void putIfSet(Map<String, String> properties, String key, String value) {
        if (!value.isBlank()) {
            properties.putIfAbsent(key, value.trim());
        }
    }

    /**
     * Fails fast on a warehouse bucket that does not exist: every commit would fail the same way, and a task
     * that keeps retrying looks healthy while it writes nothing. Any other answer (no permission to check,
     * store unreachable) is left to the writes, which retry.
     */
    static void requireWarehouseBucket(String warehouse, Map<String, String> properties) {
        String bucket = Warehouses.bucket(warehouse).orElse(null);
        if (bucket == null) {
            return;
        }
        String clientFactory = properties.get(S3FileIOProperties.CLIENT_FACTORY);
        if (!S3ClientFactory.class.getName().equals(clientFactory)) {
            return; // someone else's client: we do not know how to reach their store
        }
        try (S3Client s3 = S3ClientFactory.build(properties)) {
            s3.headBucket(head -> head.bucket(bucket));
        } catch (SdkException e) {
            // HeadBucket answers 404 with no body, so the error code may be missing.
            if (MissingBucketException.isNoSuchBucket(e) || (e instanceof S3Exception s3e && s3e.statusCode() == 404)) {
                throw new MissingBucketException(bucket, "warehouse " + warehouse, e);
            }
            LOG.warn("Could not check that S3 bucket '{}' of warehouse {} exists: {}", bucket, warehouse, e.toString());
        }
    }

    /**
     * Registers SQLite's driver with DriverManager from this class loader (a Connect plugin's loader is not
     * the one DriverManager scans at start) and creates the database file's directory, which SQLite will not.
     */
    private static void prepareSqlite(String uri) {
        try {
            Class.forName("org.sqlite.JDBC");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("sqlite-jdbc is not on the class path", e);
        }
        String file = uri.substring(SQLITE_PREFIX.length());
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
            return; // in memory, or a URI form SQLite resolves itself
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the directory of the SQLite catalog " + file, e);
        }
    }
}
