/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import io.tributary.registry.ConfluentRestRegistry;
import io.tributary.shard.format.FileFormat;
import io.tributary.shard.format.MqttRecordSchema;
import io.tributary.shard.format.PayloadEncoding;
import io.tributary.shard.partition.PathTemplate;
import io.tributary.shard.registry.RowSchemas;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings shared by every store: format, partitioning, rotation. */
public final class TieringConfig extends AbstractConfig {
    private static final String FORMAT_GROUP = "Format";
    private static final String LAYOUT_GROUP = "Partitioning";
    private static final String ROTATION_GROUP = "Rotation";

    public static final String TOPICS_DIR_CONFIG = "topics.dir";
    public static final String TOPICS_DIR_DOC =
            "Directory (S3: key prefix) under which all files " + "are written. Empty writes at the root.";
    public static final String TOPICS_DIR_DEFAULT = "topics";

    public static final String FORMAT_CONFIG = "format";
    public static final String FORMAT_DOC = "File format: parquet, avro or jsonl (JSON Lines).";
    public static final String FORMAT_DEFAULT = "parquet";

    public static final String COMPRESSION_CONFIG = "format.compression";
    public static final String COMPRESSION_DOC = "Compression: parquet supports none, snappy, gzip, "
            + "zstd; avro supports none, snappy, deflate, zstd; jsonl supports none, gzip. 'default' "
            + "means snappy for parquet and avro and none for jsonl.";
    public static final String COMPRESSION_DEFAULT = "default";

    public static final String PAYLOAD_CONFIG = "format.payload";
    public static final String PAYLOAD_DOC = "Type of the payload column. auto: a string column "
            + "payload_text when the publisher set payload format indicator 1 (UTF-8), else a bytes column "
            + "payload. bytes: always bytes. string: always a string; a payload that is not UTF-8 is a bad "
            + "record (dead-letter queue or task failure, see errors.tolerance).";
    public static final String PAYLOAD_DEFAULT = "auto";

    public static final String PATH_CONFIG = "partitioner.path";
    public static final String PATH_DOC = "Directory of each record's file, relative to topics.dir. "
            + "Placeholders: {topic} and {partition} (Kafka), {1}, {2}, ... (MQTT topic levels), {dt} "
            + "(yyyy-MM-dd), {year}, {month}, {day}, {hour} (record time). Example: "
            + "site={1}/device={2}/dt={dt}.";
    public static final String PATH_DEFAULT = "{topic}/partition={partition}";

    public static final String TIMEZONE_CONFIG = "partitioner.timezone";
    public static final String TIMEZONE_DOC = "Time zone of the record-time placeholders.";
    public static final String TIMEZONE_DEFAULT = "UTC";

    public static final String FLUSH_SIZE_CONFIG = "flush.size";
    public static final String FLUSH_SIZE_DOC = "Finish a shard's files after this many records.";
    public static final long FLUSH_SIZE_DEFAULT = 100_000L;

    public static final String ROTATE_BYTES_CONFIG = "rotate.bytes";
    public static final String ROTATE_BYTES_DOC =
            "Finish a shard's files after about this many " + "bytes of records (uncompressed). 0 turns the limit off.";
    public static final long ROTATE_BYTES_DEFAULT = 128L * 1024 * 1024;

    public static final String ROTATE_INTERVAL_CONFIG = "rotate.interval.ms";
    public static final String ROTATE_INTERVAL_DOC = "Record-time rotation: no file spans a boundary "
            + "of this interval of record timestamps (3600000 = hourly files). -1 turns it off.";
    public static final long ROTATE_INTERVAL_DEFAULT = -1L;

    public static final String ROTATE_SCHEDULE_CONFIG = "rotate.schedule.interval.ms";
    public static final String ROTATE_SCHEDULE_DOC = "Wall-clock rotation: a file open this long is "
            + "finished even if its shard went quiet. Checked at every put and offset commit, so keep "
            + "offset.flush.interval.ms at or below it. -1 turns it off.";
    public static final long ROTATE_SCHEDULE_DEFAULT = 60_000L;

    public static final String BUFFER_DIR_CONFIG = "local.buffer.dir";
    public static final String BUFFER_DIR_DOC = "Local directory where files are built before upload. "
            + "Empty means a tributary-tiering directory in java.io.tmpdir.";
    public static final String BUFFER_DIR_DEFAULT = "";

    public static final String RETRY_BACKOFF_CONFIG = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_DOC = "When the store is unreachable the task waits this "
            + "long before Connect delivers the same records again; nothing is lost or duplicated.";
    public static final long RETRY_BACKOFF_DEFAULT = 5_000L;

    public static final ConfigDef CONFIG_DEF = configDef();

    public TieringConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
        validate();
    }

    public static ConfigDef configDef() {
        int format = 0;
        int layout = 0;
        int rotation = 0;
        ConfigDef def = new ConfigDef()
                .define(
                        TOPICS_DIR_CONFIG,
                        Type.STRING,
                        TOPICS_DIR_DEFAULT,
                        Importance.MEDIUM,
                        TOPICS_DIR_DOC,
                        LAYOUT_GROUP,
                        ++layout,
                        Width.MEDIUM,
                        TOPICS_DIR_CONFIG)
                .define(
                        PATH_CONFIG,
                        Type.STRING,
                        PATH_DEFAULT,
                        Importance.HIGH,
                        PATH_DOC,
                        LAYOUT_GROUP,
                        ++layout,
                        Width.LONG,
                        PATH_CONFIG)
                .define(
                        TIMEZONE_CONFIG,
                        Type.STRING,
                        TIMEZONE_DEFAULT,
                        Importance.LOW,
                        TIMEZONE_DOC,
                        LAYOUT_GROUP,
                        ++layout,
                        Width.SHORT,
                        TIMEZONE_CONFIG)
                .define(
                        FORMAT_CONFIG,
                        Type.STRING,
                        FORMAT_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in("parquet", "avro", "jsonl"),
                        Importance.HIGH,
                        FORMAT_DOC,
                        FORMAT_GROUP,
                        ++format,
                        Width.SHORT,
                        FORMAT_CONFIG)
                .define(
                        COMPRESSION_CONFIG,
                        Type.STRING,
                        COMPRESSION_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in("default", "none", "snappy", "gzip", "zstd", "deflate"),
                        Importance.MEDIUM,
                        COMPRESSION_DOC,
                        FORMAT_GROUP,
                        ++format,
                        Width.SHORT,
                        COMPRESSION_CONFIG)
                .define(
                        PAYLOAD_CONFIG,
                        Type.STRING,
                        PAYLOAD_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in("auto", "bytes", "string"),
                        Importance.MEDIUM,
                        PAYLOAD_DOC,
                        FORMAT_GROUP,
                        ++format,
                        Width.SHORT,
                        PAYLOAD_CONFIG)
                .define(
                        FLUSH_SIZE_CONFIG,
                        Type.LONG,
                        FLUSH_SIZE_DEFAULT,
                        ConfigDef.Range.atLeast(1),
                        Importance.HIGH,
                        FLUSH_SIZE_DOC,
                        ROTATION_GROUP,
                        ++rotation,
                        Width.SHORT,
                        FLUSH_SIZE_CONFIG)
                .define(
                        ROTATE_BYTES_CONFIG,
                        Type.LONG,
                        ROTATE_BYTES_DEFAULT,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        ROTATE_BYTES_DOC,
                        ROTATION_GROUP,
                        ++rotation,
                        Width.SHORT,
                        ROTATE_BYTES_CONFIG)
                .define(
                        ROTATE_INTERVAL_CONFIG,
                        Type.LONG,
                        ROTATE_INTERVAL_DEFAULT,
                        Importance.MEDIUM,
                        ROTATE_INTERVAL_DOC,
                        ROTATION_GROUP,
                        ++rotation,
                        Width.SHORT,
                        ROTATE_INTERVAL_CONFIG)
                .define(
                        ROTATE_SCHEDULE_CONFIG,
                        Type.LONG,
                        ROTATE_SCHEDULE_DEFAULT,
                        Importance.MEDIUM,
                        ROTATE_SCHEDULE_DOC,
                        ROTATION_GROUP,
                        ++rotation,
                        Width.SHORT,
                        ROTATE_SCHEDULE_CONFIG)
                .define(
                        BUFFER_DIR_CONFIG,
                        Type.STRING,
                        BUFFER_DIR_DEFAULT,
                        Importance.LOW,
                        BUFFER_DIR_DOC,
                        ROTATION_GROUP,
                        ++rotation,
                        Width.LONG,
                        BUFFER_DIR_CONFIG)
                .define(
                        RETRY_BACKOFF_CONFIG,
                        Type.LONG,
                        RETRY_BACKOFF_DEFAULT,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        RETRY_BACKOFF_DOC,
                        ROTATION_GROUP,
                        ++rotation,
                        Width.SHORT,
                        RETRY_BACKOFF_CONFIG);
        return RegistryColumnsConfig.define(def);
    }

    /** Checks across settings; single-setting checks are the ConfigDef validators. */
    private void validate() {
        FileFormat format = format();
        if (!format.compressions().contains(compression())) {
            throw new ConfigException(
                    COMPRESSION_CONFIG,
                    getString(COMPRESSION_CONFIG),
                    format.name().toLowerCase(Locale.ROOT) + " supports " + format.compressions());
        }
        try {
            zone();
        } catch (RuntimeException e) {
            throw new ConfigException(TIMEZONE_CONFIG, getString(TIMEZONE_CONFIG), e.getMessage());
        }
        try {
            PathTemplate.parse(getString(PATH_CONFIG), zone());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(PATH_CONFIG, getString(PATH_CONFIG), e.getMessage());
        }
    }

    public FileFormat format() {
        return FileFormat.parse(getString(FORMAT_CONFIG));
    }

    public String compression() {
        String compression = getString(COMPRESSION_CONFIG).toLowerCase(Locale.ROOT);
        return compression.equals("default") ? format().defaultCompression() : compression;
    }

    private ZoneId zone() {
        return ZoneId.of(getString(TIMEZONE_CONFIG));
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_CONFIG);
    }

    /**
     * What a task writes and where. Call once per task: the row schemas it holds keep the registered schemas
     * the task has looked up.
     *
     * @throws IllegalArgumentException when the registry's trust store cannot be read
     */
    public TieringSettings settings(String stateName) {
        String topicsDir = getString(TOPICS_DIR_CONFIG).replaceAll("^/+|/+$", "");
        String bufferDir = getString(BUFFER_DIR_CONFIG);
        return new TieringSettings(
                topicsDir,
                stateName,
                format(),
                compression(),
                new RowSchemas(
                        new MqttRecordSchema(PayloadEncoding.parse(getString(PAYLOAD_CONFIG))),
                        RegistryColumnsConfig.registry(this)
                                .map(ConfluentRestRegistry::new)
                                .orElse(null),
                        format(),
                        RegistryColumnsConfig.columnPrefix(this)),
                PathTemplate.parse(getString(PATH_CONFIG), zone()),
                new RotationPolicy(
                        getLong(FLUSH_SIZE_CONFIG),
                        getLong(ROTATE_BYTES_CONFIG),
                        getLong(ROTATE_INTERVAL_CONFIG),
                        getLong(ROTATE_SCHEDULE_CONFIG)),
                bufferDir.isBlank()
                        ? Path.of(System.getProperty("java.io.tmpdir"), "tributary-tiering")
                        : Path.of(bufferDir));
    }
}
