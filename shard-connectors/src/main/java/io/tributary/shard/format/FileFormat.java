/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.jspecify.annotations.Nullable;

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

    /**
     * Why files of this format cannot have the columns of {@code schema}, or null when they can. Avro files hold
     * any Avro schema; parquet-avro has no column for some (a record that contains itself, say).
     */
    public @Nullable String unwritableReason(Schema schema) {
        if (this != PARQUET) {
            return null;
        }
        String recursive = containingItself(schema, new HashSet<>());
        if (recursive != null) {
            return "has record " + recursive + ", which contains itself: Parquet has no such column";
        }
        try {
            new AvroSchemaConverter(new Configuration(false)).convert(schema);
            return null;
        } catch (RuntimeException e) {
            return "has no Parquet columns: " + e.getMessage();
        }
    }

    /** The name of a record that contains itself, or null; checked first so parquet-avro never recurses on it. */
    private static @Nullable String containingItself(Schema schema, Set<String> enclosing) {
        return switch (schema.getType()) {
            case RECORD -> {
                if (!enclosing.add(schema.getFullName())) {
                    yield schema.getFullName();
                }
                for (Schema.Field field : schema.getFields()) {
                    String found = containingItself(field.schema(), enclosing);
                    if (found != null) {
                        yield found;
                    }
                }
                enclosing.remove(schema.getFullName());
                yield null;
            }
            case ARRAY -> containingItself(schema.getElementType(), enclosing);
            case MAP -> containingItself(schema.getValueType(), enclosing);
            case UNION -> {
                for (Schema member : schema.getTypes()) {
                    String found = containingItself(member, enclosing);
                    if (found != null) {
                        yield found;
                    }
                }
                yield null;
            }
            default -> null;
        };
    }

    /**
     * @param schema the columns; JSON Lines files take the plain {@link MqttRecordSchema} only
     */
    public RecordFileWriter open(Path file, RowSchema schema, String compression) throws IOException {
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
            case JSONL -> {
                if (!(schema instanceof MqttRecordSchema plain)) {
                    throw new IllegalArgumentException("JSON Lines files have the plain layout only");
                }
                yield new JsonLinesRecordFileWriter(file, plain.encoding(), "gzip".equals(compression));
            }
        };
    }
}
