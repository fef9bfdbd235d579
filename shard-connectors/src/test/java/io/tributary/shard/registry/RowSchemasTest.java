/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.RegistryUnavailableException;
import io.tributary.registry.SchemaLookupException;
import io.tributary.registry.SchemaRegistry;
import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.format.FileFormat;
import io.tributary.shard.format.MqttRecordSchema;
import io.tributary.shard.format.PayloadEncoding;
import io.tributary.shard.format.RowSchema;
import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.testing.RegistryPayloads;
import io.tributary.shard.testing.ShardRecords;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Which columns a record gets: a registered Avro or JSON Schema's fields, per schema id (so per version), the plain
 * layout for other payloads, and the reasons a wire-format record is bad. The registry here is a map; the real one
 * (Apicurio) is in RegistryColumnsIT.
 */
class RowSchemasTest {
    static final String READING_V1 = """
            {"type": "record", "name": "Reading", "namespace": "com.acme", "fields": [
              {"name": "device", "type": "string"},
              {"name": "temp", "type": "double"}]}""";
    static final String READING_V2 = """
            {"type": "record", "name": "Reading", "namespace": "com.acme", "fields": [
              {"name": "device", "type": "string"},
              {"name": "temp", "type": "double"},
              {"name": "humidity", "type": ["null", "int"], "default": null}]}""";
    static final String SENSOR_JSON_SCHEMA = """
            {"type": "object", "properties": {
              "device": {"type": "string"},
              "count": {"type": "integer"},
              "temp": {"type": ["number", "null"]},
              "tags": {"type": "array", "items": {"type": "string"}},
              "location": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
              "seen": {"type": "string", "format": "date-time"},
              "unit-name": {"type": "string"},
              "anything": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}""";

    private final Map<Integer, RegisteredSchema> registered = new HashMap<>();
    private boolean registryDown;
    private int lookups;

    private final SchemaRegistry registry = id -> {
        lookups++;
        if (registryDown) {
            throw new RegistryUnavailableException("registry down");
        }
        RegisteredSchema schema = registered.get(id);
        if (schema == null) {
            throw new SchemaLookupException("schema id " + id + " is not in the registry");
        }
        return schema;
    };

    private RowSchemas rowSchemas(FileFormat format, String prefix) {
        return new RowSchemas(new MqttRecordSchema(PayloadEncoding.AUTO), registry, format, prefix);
    }

    private static ShardRecord record(long offset, byte[] payload) {
        return ShardRecords.publish("mqtt.messages", 0, offset, 1_700_000_000_000L, "site/dev", payload);
    }

    @Test
    void avroPayloadsGetTheFieldsOfTheirRegisteredVersionAsColumnsOneRowSchemaPerId() throws Exception {
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, READING_V1));
        registered.put(2, new RegisteredSchema(2, RegisteredSchema.Format.AVRO, READING_V2));
        RowSchemas schemas = rowSchemas(FileFormat.PARQUET, "");
        byte[] v1Payload = RegistryPayloads.avro(1, READING_V1, Map.of("device", "dev-1", "temp", 21.5));
        byte[] v2Payload =
                RegistryPayloads.avro(2, READING_V2, Map.of("device", "dev-2", "temp", 19.0, "humidity", 40));

        RowSchema v1 = schemas.forRecord(record(10, v1Payload));
        RowSchema v2 = schemas.forRecord(record(11, v2Payload));

        assertEquals(".schema-1", v1.nameTag());
        assertEquals(".schema-2", v2.nameTag());
        assertEquals(List.of("payload", "payload_schema_id", "device", "temp"), lastColumns(v1.schema(), 4));
        assertEquals(Schema.Type.DOUBLE, v1.schema().getField("temp").schema().getType());
        assertNull(v1.schema().getField("humidity"), "version 1 has no humidity");
        assertEquals(List.of("device", "temp", "humidity"), lastColumns(v2.schema(), 3));

        GenericRecord row = v2.toAvro(record(11, v2Payload));
        assertEquals("dev-2", row.get("device").toString());
        assertEquals(19.0, row.get("temp"));
        assertEquals(40, row.get("humidity"));
        assertEquals(2, row.get("payload_schema_id"));
        assertEquals(ByteBuffer.wrap(v2Payload), row.get("payload"), "the raw value is kept, prefix included");
        assertEquals(11L, row.get("kafka_offset"));
        assertEquals("site/dev", row.get("mqtt_topic").toString());

        assertSame(v1, schemas.forRecord(record(12, v1Payload)), "an id is derived once");
        assertEquals(2, lookups);
    }

    @Test
    void jsonSchemaPayloadsGetTypedColumnsAndPropertiesBeyondTheSchemaStayInTheRawPayload() throws Exception {
        registered.put(5, new RegisteredSchema(5, RegisteredSchema.Format.JSON, SENSOR_JSON_SCHEMA));
        byte[] payload = RegistryPayloads.json(5, """
                {"device": "dev-5", "count": 3, "temp": null, "tags": ["a", "b"],
                 "location": {"lat": 52.5, "lon": 13.4}, "seen": "2026-12-06T07:00:00.000123Z",
                 "unit-name": "celsius", "extra": true}""");

        RowSchema rows = rowSchemas(FileFormat.AVRO, "p_").forRecord(record(20, payload));

        Schema schema = rows.schema();
        assertEquals(
                List.of("p_device", "p_count", "p_temp", "p_tags", "p_location", "p_seen", "p_unit_name"),
                lastColumns(schema, 7),
                "oneOf gets no column; unit-name becomes an Avro name");
        assertEquals(
                Schema.Type.LONG,
                schema.getField("p_count").schema().getTypes().get(1).getType());
        assertEquals(
                "timestamp-micros",
                schema.getField("p_seen")
                        .schema()
                        .getTypes()
                        .get(1)
                        .getLogicalType()
                        .getName());
        GenericRecord row = rows.toAvro(record(20, payload));
        assertEquals("dev-5", row.get("p_device"));
        assertEquals(3L, row.get("p_count"));
        assertNull(row.get("p_temp"));
        assertEquals(List.of("a", "b"), row.get("p_tags"));
        assertEquals(52.5, ((GenericRecord) row.get("p_location")).get("lat"));
        assertEquals(1_796_540_400_000_123L, row.get("p_seen"));
        assertEquals("celsius", row.get("p_unit_name"));
    }

    @Test
    void payloadsWithoutTheWireFormatAndJsonLinesFilesKeepThePlainLayout() throws Exception {
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, READING_V1));
        byte[] wireFormat = RegistryPayloads.avro(1, READING_V1, Map.of("device", "dev-1", "temp", 21.5));
        RowSchemas parquet = rowSchemas(FileFormat.PARQUET, "");

        RowSchema plain = parquet.forRecord(ShardRecords.publish("t", 0, 1, 0L, "a/b", "{\"temp\": 20}"));

        assertSame(parquet.plainLayout(), plain);
        assertEquals("", plain.nameTag());
        assertSame(parquet.plainLayout(), parquet.forRecord(record(2, new byte[] {0, 0, 1})), "too short");
        RowSchemas jsonLines = rowSchemas(FileFormat.JSONL, "");
        assertSame(jsonLines.plainLayout(), jsonLines.forRecord(record(3, wireFormat)));
        RowSchemas noRegistry = RowSchemas.plain(new MqttRecordSchema(PayloadEncoding.BYTES), FileFormat.PARQUET);
        assertSame(noRegistry.plainLayout(), noRegistry.forRecord(record(4, wireFormat)));
        assertEquals(0, lookups);
    }

    @Test
    void unknownIdsProtoFilesWithoutAMessageAndPayloadsThatDoNotFitAreBadRecordsWithTheReason() throws Exception {
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, READING_V1));
        registered.put(3, new RegisteredSchema(3, RegisteredSchema.Format.PROTOBUF, "syntax = \"proto3\";"));
        registered.put(5, new RegisteredSchema(5, RegisteredSchema.Format.JSON, SENSOR_JSON_SCHEMA));
        RowSchemas schemas = rowSchemas(FileFormat.PARQUET, "");

        assertReason("schema id 99 is not in the registry", () -> schemas.forRecord(record(1, prefixOnly(99))));
        assertReason(
                "schema id 3 is a .proto file without a message", () -> schemas.forRecord(record(2, prefixOnly(3))));
        byte[] hot = RegistryPayloads.json(5, "{\"device\": \"d\", \"count\": \"three\"}");
        RowSchema json = schemas.forRecord(record(3, hot));
        assertReason(
                "payload does not fit schema id 5: field 'count' is string \"three\", but the schema makes it long",
                () -> json.toAvro(record(3, hot)));
        byte[] truncated = RegistryPayloads.avro(1, READING_V1, Map.of("device", "dev-1", "temp", 21.5));
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);
        RowSchema avro = schemas.forRecord(record(4, cut));
        assertReason("payload is not Avro binary of schema id 1", () -> avro.toAvro(record(4, cut)));

        assertReason("schema id 99 is not in the registry", () -> schemas.forRecord(record(5, prefixOnly(99))));
        assertEquals(4, lookups, "a reason is kept like a schema: 99, 3, 5, 1 asked once each");
    }

    @Test
    void aFieldNamedLikeAnMqttColumnNeedsTheColumnPrefix() throws Exception {
        String clash = """
                {"type": "record", "name": "Clash", "fields": [{"name": "qos", "type": "int"}]}""";
        registered.put(6, new RegisteredSchema(6, RegisteredSchema.Format.AVRO, clash));
        byte[] payload = RegistryPayloads.avro(6, clash, Map.of("qos", 2));

        assertReason(
                "schema id 6 has field 'qos', which would be column 'qos', an MQTT column; set "
                        + "format.payload.column.prefix",
                () -> rowSchemas(FileFormat.PARQUET, "").forRecord(record(1, payload)));
        RowSchema prefixed = rowSchemas(FileFormat.PARQUET, "p_").forRecord(record(1, payload));
        assertEquals(2, prefixed.toAvro(record(1, payload)).get("p_qos"));
    }

    @Test
    void aRecordThatContainsItselfHasNoParquetColumnsButAvroFilesTakeIt() throws Exception {
        String list = """
                {"type": "record", "name": "Node", "fields": [
                  {"name": "value", "type": "int"},
                  {"name": "next", "type": ["null", "Node"], "default": null}]}""";
        registered.put(7, new RegisteredSchema(7, RegisteredSchema.Format.AVRO, list));
        byte[] payload = RegistryPayloads.avro(7, list, Map.of("value", 1));

        assertReason(
                "schema id 7 has record Node, which contains itself",
                () -> rowSchemas(FileFormat.PARQUET, "").forRecord(record(1, payload)));
        RowSchema avro = rowSchemas(FileFormat.AVRO, "").forRecord(record(1, payload));
        assertEquals(1, avro.toAvro(record(1, payload)).get("value"));
    }

    @Test
    void aRegistryThatCannotAnswerIsNoBadRecordAndIsAskedAgain() throws Exception {
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, READING_V1));
        RowSchemas schemas = rowSchemas(FileFormat.PARQUET, "");
        byte[] payload = RegistryPayloads.avro(1, READING_V1, Map.of("device", "dev-1", "temp", 21.5));
        registryDown = true;

        assertThrows(RegistryUnavailableException.class, () -> schemas.forRecord(record(1, payload)));

        registryDown = false;
        assertEquals(".schema-1", schemas.forRecord(record(1, payload)).nameTag());
    }

    private static byte[] prefixOnly(int schemaId) {
        return io.tributary.registry.WireFormat.encode(schemaId, new byte[] {2, 4});
    }

    private static List<String> lastColumns(Schema schema, int count) {
        List<Schema.Field> fields = schema.getFields();
        return fields.subList(fields.size() - count, fields.size()).stream()
                .map(Schema.Field::name)
                .toList();
    }

    private static void assertReason(String expected, org.junit.jupiter.api.function.Executable call) {
        BadRecordException e = assertThrows(BadRecordException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
