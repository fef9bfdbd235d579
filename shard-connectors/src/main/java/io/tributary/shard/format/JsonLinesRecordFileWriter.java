/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tributary.record.UserProperty;
import io.tributary.shard.record.ShardRecord;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * JSON Lines: one object per line with the same column names as the Avro and Parquet files. A payload
 * that is not text is written base64-encoded under {@code payload_base64}.
 */
final class JsonLinesRecordFileWriter implements RecordFileWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private final PayloadEncoding encoding;
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    JsonLinesRecordFileWriter(Path file, PayloadEncoding encoding, boolean gzip) throws IOException {
        this.encoding = encoding;
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        this.out = gzip ? new GZIPOutputStream(raw, 64 * 1024) : raw;
    }

    @Override
    public void write(ShardRecord record) throws BadRecordException, IOException {
        String text = payloadText(record);
        line.reset();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("kafka_topic", record.kafkaTopic());
            json.writeNumberField("kafka_partition", record.kafkaPartition());
            json.writeNumberField("kafka_offset", record.offset());
            json.writeNumberField("timestamp", record.timestamp());
            json.writeStringField("mqtt_topic", record.mqttTopic());
            json.writeNumberField("qos", record.qos());
            json.writeBooleanField("retain", record.retain());
            json.writeStringField("client", record.client());
            json.writeBooleanField("payload_format_utf8", record.payloadUtf8());
            json.writeStringField("content_type", record.contentType());
            if (record.expiry() != null) {
                json.writeNumberField("message_expiry", record.expiry());
            } else {
                json.writeNullField("message_expiry");
            }
            json.writeStringField("response_topic", record.responseTopic());
            json.writeStringField(
                    "correlation_data",
                    record.correlationData() == null
                            ? null
                            : Base64.getEncoder().encodeToString(record.correlationData()));
            json.writeArrayFieldStart("user_properties");
            for (UserProperty property : record.userProperties()) {
                json.writeStartObject();
                json.writeStringField("name", property.name());
                json.writeStringField("value", property.value());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (text != null) {
                json.writeStringField("payload", text);
            } else {
                json.writeStringField("payload_base64", Base64.getEncoder().encodeToString(record.payload()));
            }
            json.writeEndObject();
        }
        line.write('\n');
        line.writeTo(out);
    }

    private String payloadText(ShardRecord record) throws BadRecordException {
        return switch (encoding) {
            case BYTES -> null;
            case STRING -> Utf8Text.decode(record.payload(), () -> MqttRecordSchema.describe(record));
            case AUTO ->
                record.payloadUtf8()
                        ? Utf8Text.decode(record.payload(), () -> MqttRecordSchema.describe(record))
                        : null;
        };
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
