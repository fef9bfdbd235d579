/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where everything of a lake lives under its directory (the {@code --lake DIR} of {@code bin/tributary}): the
 * Iceberg catalog, the table files, and the Connect worker's own state. Paths are absolute, because the JDBC
 * catalog stores the table locations it is given.
 */
public record LakeLayout(Path dir) {

    public LakeLayout {
        dir = dir.toAbsolutePath().normalize();
    }

    /** The SQLite database of the Iceberg JDBC catalog. */
    public Path catalogFile() {
        return dir.resolve("catalog.db");
    }

    public String catalogUri() {
        return "jdbc:sqlite:" + catalogFile();
    }

    /** Iceberg's warehouse: one directory per namespace and table, Parquet data files and metadata. */
    public Path warehouse() {
        return dir.resolve("warehouse");
    }

    /** Settings the user adds to (or changes in) the Iceberg connector; written once as a commented template. */
    public Path connectorOverrides() {
        return dir.resolve("lake-connector.properties");
    }

    /** The standalone worker's source offsets (sinks keep theirs in Kafka and in the Iceberg snapshots). */
    public Path offsetsFile() {
        return dir.resolve("connect").resolve("offsets");
    }

    /** The worker's plugin.path: the plugin archive is unpacked below it. */
    public Path pluginPath() {
        return dir.resolve("connect").resolve("plugins");
    }

    /**
     * Creates the directories and proves they can be written, so that a read-only or foreign directory fails the
     * start with its name rather than a SQLite or Hadoop error minutes later.
     */
    public void prepare() {
        try {
            Files.createDirectories(warehouse());
            Files.createDirectories(pluginPath());
            Path probe = Files.createTempFile(dir, ".write-check", "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new LakeSetupException("the lake directory " + dir + " is not writable (" + e + ")");
        }
    }
}
