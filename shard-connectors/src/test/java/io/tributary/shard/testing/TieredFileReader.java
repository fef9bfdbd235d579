/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Reads tiered files back with each format's own reader, to the columns a user would query:
 * offset, MQTT topic and payload text, enough to compare record by record with what was produced.
 */
public final class TieredFileReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row as a reader sees it. */
    public record Row(
            String kafkaTopic, int partition, long offset, String mqttTopic, String payload, String client, int qos) {}

    private TieredFileReader() {}

    public static List<Row> read(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".parquet")) {
            return readParquet(file);
        }
        if (name.endsWith(".avro")) {
            return readAvro(file);
        }
        return readJsonLines(file, name.endsWith(".gz"));
    }

    public static List<Row> read(byte[] content, String name) throws IOException {
        Path temp = Files.createTempFile("tiered-", "-" + name.replace('/', '_'));
        try {
            Files.write(temp, content);
            return read(temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static List<Row> readParquet(Path file) throws IOException {
        return parquetRecords(file).stream().map(TieredFileReader::toRow).toList();
    }

    private static List<Row> readAvro(Path file) throws IOException {
        return avroRecords(file).stream().map(TieredFileReader::toRow).toList();
    }

    /** Every column of a Parquet or Avro file's rows, as its format's reader gives them. */
    public static List<GenericRecord> records(byte[] content, String name) throws IOException {
        Path temp = Files.createTempFile("tiered-", "-" + name.replace('/', '_'));
        try {
            Files.write(temp, content);
            return name.endsWith(".parquet") ? parquetRecords(temp) : avroRecords(temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static List<GenericRecord> parquetRecords(Path file) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                .withConf(new Configuration(false))
                .build()) {
            for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<GenericRecord> avroRecords(Path file) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            for (GenericRecord row : reader) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static Row toRow(GenericRecord row) {
        Object text = row.getSchema().getField("payload_text") != null ? row.get("payload_text") : null;
        Object payload = row.get("payload");
        String value;
        if (text != null) {
            value = text.toString();
        } else if (payload instanceof java.nio.ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            value = new String(copy, StandardCharsets.UTF_8);
        } else {
            value = payload == null ? null : payload.toString();
        }
        Object client = row.get("client");
        return new Row(
                row.get("kafka_topic").toString(),
                (Integer) row.get("kafka_partition"),
                (Long) row.get("kafka_offset"),
                row.get("mqtt_topic").toString(),
                value,
                client == null ? null : client.toString(),
                (Integer) row.get("qos"));
    }

    private static List<Row> readJsonLines(Path file, boolean gzip) throws IOException {
        List<Row> rows = new ArrayList<>();
        InputStream in = Files.newInputStream(file);
        if (gzip) {
            in = new GZIPInputStream(in);
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode row = JSON.readTree(line);
                String payload = row.has("payload")
                        ? row.get("payload").asText()
                        : new String(
                                java.util.Base64.getDecoder()
                                        .decode(row.get("payload_base64").asText()),
                                StandardCharsets.UTF_8);
                rows.add(new Row(
                        row.get("kafka_topic").asText(),
                        row.get("kafka_partition").asInt(),
                        row.get("kafka_offset").asLong(),
                        row.get("mqtt_topic").asText(),
                        payload,
                        row.get("client").isNull() ? null : row.get("client").asText(),
                        row.get("qos").asInt()));
            }
        }
        return rows;
    }
}
