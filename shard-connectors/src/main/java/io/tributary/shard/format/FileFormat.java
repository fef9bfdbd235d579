/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.avro.file.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** The file formats a shard can be tiered as, each with the compressions its library supports. */
public enum FileFormat {
    PARQUET("parquet", List.of("none", "snappy", "gzip", "zstd"), "snappy"),
    AVRO("avro", List.of("none", "snappy", "deflate", "zstd"), "snappy"),
    JSONL("jsonl", List.of("none", "gzip"), "none");

    private final String extension;
    private final List<String> compressions;
    private final String defaultCompression;

    FileFormat(String extension, List<String> compressions, String defaultCompression) {
        this.extension = extension;
        this.compressions = compressions;
        this.defaultCompression = defaultCompression;
    }

    public static FileFormat parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    public List<String> compressions() {
        return compressions;
    }

    /** The compression used when the setting is left at "default". */
    public String defaultCompression() {
        return defaultCompression;
    }

    /** File name extension, including the compression suffix where the format has no container. */
    public String extension(String compression) {
        return this == JSONL && "gzip".equals(compression) ? extension + ".gz" : extension;
    }

    public RecordFileWriter open(Path file, MqttRecordSchema schema, String compression) throws IOException {
        if (!compressions.contains(compression)) {
            throw new IllegalArgumentException(name().toLowerCase(Locale.ROOT) + " files support compression "
                    + compressions + ", not '" + compression + "'");
        }
        return switch (this) {
            case PARQUET ->
                new ParquetRecordFileWriter(
                        file,
                        schema,
                        switch (compression) {
                            case "none" -> CompressionCodecName.UNCOMPRESSED;
                            case "gzip" -> CompressionCodecName.GZIP;
                            case "zstd" -> CompressionCodecName.ZSTD;
                            default -> CompressionCodecName.SNAPPY;
                        });
            case AVRO ->
                new AvroRecordFileWriter(
                        file,
                        schema,
                        switch (compression) {
                            case "none" -> CodecFactory.nullCodec();
                            case "deflate" -> CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
                            case "zstd" -> CodecFactory.zstandardCodec(CodecFactory.DEFAULT_ZSTANDARD_LEVEL);
                            default -> CodecFactory.snappyCodec();
                        });
            case JSONL -> new JsonLinesRecordFileWriter(file, schema.encoding(), "gzip".equals(compression));
        };
    }
}
