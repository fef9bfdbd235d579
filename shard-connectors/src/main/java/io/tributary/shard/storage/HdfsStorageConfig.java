/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of the HDFS storage adapter. */
public final class HdfsStorageConfig extends AbstractConfig {
    private static final String GROUP = "HDFS";

    public static final String URL_CONFIG = "hdfs.url";
    public static final String URL_DOC = "File system URL and base directory, e.g. "
            + "hdfs://namenode:8020/data/mqtt. topics.dir is resolved below it.";

    public static final String CONF_DIR_CONFIG = "hdfs.conf.dir";
    public static final String CONF_DIR_DOC = "Directory with core-site.xml and hdfs-site.xml (HA "
            + "name services, security). Empty means only what hdfs.url says.";
    public static final String CONF_DIR_DEFAULT = "";

    public static final ConfigDef CONFIG_DEF = configDef();

    public HdfsStorageConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    public static ConfigDef configDef() {
        return new ConfigDef()
                .define(
                        URL_CONFIG,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        URL_DOC,
                        GROUP,
                        1,
                        ConfigDef.Width.LONG,
                        URL_CONFIG)
                .define(
                        CONF_DIR_CONFIG,
                        Type.STRING,
                        CONF_DIR_DEFAULT,
                        Importance.MEDIUM,
                        CONF_DIR_DOC,
                        GROUP,
                        2,
                        ConfigDef.Width.LONG,
                        CONF_DIR_CONFIG);
    }

    public HdfsShardStorage buildStorage() throws IOException {
        Configuration conf = new Configuration();
        // Hadoop resolves its pluggable classes through the thread's context loader by default; in a
        // Connect worker that may see another Hadoop copy, so pin it to the plugin's own.
        conf.setClassLoader(HdfsStorageConfig.class.getClassLoader());
        String confDir = getString(CONF_DIR_CONFIG);
        if (!confDir.isBlank()) {
            try (Stream<Path> files = Files.list(Path.of(confDir))) {
                files.filter(file -> file.toString().endsWith("-site.xml"))
                        .forEach(file -> conf.addResource(new org.apache.hadoop.fs.Path(file.toUri())));
            }
        }
        URI url = URI.create(getString(URL_CONFIG).trim());
        // newInstance, not get: the shared cache would let one task's close() close another's handle.
        FileSystem fs = FileSystem.newInstance(url, conf);
        return new HdfsShardStorage(fs, url.getPath() == null ? "" : url.getPath());
    }
}
