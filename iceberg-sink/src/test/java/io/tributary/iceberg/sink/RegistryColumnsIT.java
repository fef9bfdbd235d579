/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import static io.tributary.iceberg.sink.SinkFixtures.MESSAGES;
import static io.tributary.iceberg.sink.SinkFixtures.P0;
import static io.tributary.iceberg.sink.SinkFixtures.rows;
import static io.tributary.iceberg.sink.SinkFixtures.settings;
import static io.tributary.iceberg.sink.SinkFixtures.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.sink.SinkFixtures.TestClock;
import io.tributary.record.MqttRecord;
import io.tributary.registry.RegistryUnavailableException;
import io.tributary.registry.WireFormat;
import io.tributary.shard.testing.ApicurioRegistryProcess;
import io.tributary.shard.testing.RegistryPayloads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against a real schema registry (Apicurio Registry, Confluent API, in its own JVM): payloads in the
 * Confluent wire format, as a broker binding in validate-and-encode mode writes them, get the columns of their
 * registered schema; the table follows the subject's versions; the registry's outage is survived for the ids a
 * task has seen.
 */
class RegistryColumnsIT {

    private static final String READING_V1 = """
            {"type": "record", "name": "Reading", "namespace": "iot", "fields": [
              {"name": "temp", "type": "double"},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "place", "type": {"type": "record", "name": "Place", "fields": [
                {"name": "room", "type": "string"}]}}
            ]}""";
    /** v1 plus a field with a default: BACKWARD compatible. */
    private static final String READING_V2 = """
            {"type": "record", "name": "Reading", "namespace": "iot", "fields": [
              {"name": "temp", "type": "double"},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "place", "type": {"type": "record", "name": "Place", "fields": [
                {"name": "room", "type": "string"}]}},
              {"name": "humidity", "type": ["null", "long"], "default": null}
            ]}""";
    /** temp became a string: not compatible with v2. */
    private static final String READING_V3 = """
            {"type": "record", "name": "Reading", "namespace": "iot", "fields": [
              {"name": "temp", "type": "string"}]}""";

    private static ApicurioRegistryProcess registry;

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();
    private final List<String> rejected = new ArrayList<>();

    @BeforeAll
    static void startRegistry() throws IOException {
        registry = ApicurioRegistryProcess.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private Map<String, String> registrySettings(String url) {
        Map<String, String> settings = settings(dir);
        settings.put(IcebergSinkConfig.REGISTRY_URL_CONFIG, url);
        settings.put(IcebergSinkConfig.REGISTRY_TIMEOUT_CONFIG, "2000");
        return settings;
    }

    @Test
    void avroPayloadsGetTheColumnsOfTheirRegisteredVersionsAndIncompatibleOnesGoToTheDeadLetterQueue()
            throws IOException {
        String subject = "readings-avro-value";
        registry.setCompatibility(subject, "BACKWARD");
        int v1 = registry.register(subject, "AVRO", READING_V1);
        int v2 = registry.register(subject, "AVRO", READING_V2);
        assertThatThrownBy(() -> registry.register(subject, "AVRO", READING_V3))
                .as("the registry itself refuses an incompatible version")
                .hasMessageContaining("409");
        registry.setCompatibility(subject, "NONE");
        int v3 = registry.register(subject, "AVRO", READING_V3);

        try (IcebergSink sink = sink(registrySettings(registry.url()), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            sink.put(input(0, v1, avro(READING_V1, 20.5, null)), rejected::add);
            sink.put(input(1, v2, avro(READING_V2, 21.5, 40L)), rejected::add);
            sink.put(input(2, v1, avro(READING_V1, 22.5, null)), rejected::add);
            sink.put(input(3, v3, avro(READING_V3, "hot", null)), rejected::add);
            sink.commit();

            Table table = sink.table(MESSAGES).orElseThrow();
            Types.StructType columns = table.schema().asStruct();
            assertThat(columns.fieldType("temp")).isEqualTo(Types.DoubleType.get());
            assertThat(columns.fieldType("day")).isEqualTo(Types.DateType.get());
            assertThat(columns.fieldType("at")).isEqualTo(Types.TimestampType.withZone());
            assertThat(columns.fieldType("place").isStructType()).isTrue();
            assertThat(columns.fieldType("humidity")).isEqualTo(Types.LongType.get());
            List<Record> rows = sorted(rows(table));
            assertThat(rows).extracting(row -> row.getField("temp")).containsExactly(20.5, 21.5, 22.5);
            assertThat(rows).extracting(row -> row.getField("humidity")).containsExactly(null, 40L, null);
            assertThat(rows.get(0).getField("day")).isEqualTo(LocalDate.of(2026, 12, 6));
            assertThat(rows.get(0).getField("at"))
                    .isEqualTo(OffsetDateTime.of(2026, 12, 6, 4, 0, 0, 0, ZoneOffset.UTC));
            assertThat(((Record) rows.get(0).getField("place")).getField("room"))
                    .isEqualTo("lab");
            assertThat(rows.get(0).getField("device")).isEqualTo("device-1");
            assertThat(rejected)
                    .singleElement()
                    .asString()
                    .contains("field 'temp' is string in schema id " + v3, "column 'temp' is double");
        }
    }

    @Test
    void jsonSchemaPayloadsGetTheColumnsOfTheirSchema() throws IOException {
        String schema = """
                {"type": "object", "properties": {
                  "temp": {"type": "number"}, "on": {"type": "boolean"},
                  "day": {"type": "string", "format": "date"},
                  "tags": {"type": "array", "items": {"type": "string"}}}}""";
        int id = registry.register("readings-json-value", "JSON", schema);
        byte[] body = "{\"temp\": 19, \"on\": true, \"day\": \"2026-12-06\", \"tags\": [\"a\", \"b\"]}"
                .getBytes(StandardCharsets.UTF_8);

        try (IcebergSink sink = sink(registrySettings(registry.url()), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            sink.put(input(0, id, body), rejected::add);
            sink.commit();

            Table table = sink.table(MESSAGES).orElseThrow();
            assertThat(table.schema().findType("temp")).isEqualTo(Types.DoubleType.get());
            assertThat(table.schema().findType("day")).isEqualTo(Types.DateType.get());
            Record row = rows(table).get(0);
            assertThat(row.getField("temp")).isEqualTo(19.0);
            assertThat(row.getField("on")).isEqualTo(true);
            assertThat(row.getField("day")).isEqualTo(LocalDate.of(2026, 12, 6));
            assertThat(row.getField("tags")).isEqualTo(List.of("a", "b"));
            assertThat(rejected).isEmpty();
        }
    }

    @Test
    void anUnknownIdGoesToTheDeadLetterQueueAndAnUnreachableRegistryFailsThePutForARetry() throws IOException {
        int id = registry.register("readings-outage-value", "AVRO", READING_V1);
        try (IcebergSink sink = sink(registrySettings(registry.url()), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            sink.put(input(0, id, avro(READING_V1, 20.5, null)), rejected::add);
            sink.put(input(1, 987_654, new byte[] {1, 2}), rejected::add);
            assertThat(rejected).singleElement().asString().contains("schema id 987654 is not in the registry");
        }
        // Nothing listens on a just-freed port: a registry down from the start, the schema never cached.
        Map<String, String> unreachable = registrySettings("http://127.0.0.1:" + freePort() + "/apis/ccompat/v7");
        try (IcebergSink sink = sink(unreachable, dir, "task-1", clock)) {
            sink.open(List.of(P0), Map.of());
            assertThatThrownBy(() -> sink.put(input(2, id, avro(READING_V1, 21.5, null)), rejected::add))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("unreachable");
            assertThat(rejected).hasSize(1);
        }
    }

    @Test
    void anAvroSchemaThatRefersToAnotherSubjectGetsTheColumnsOfBoth() throws IOException {
        String site = """
                {"type": "record", "name": "Site", "namespace": "geo", "fields": [
                  {"name": "room", "type": "string"}]}""";
        String reading = """
                {"type": "record", "name": "Reading", "namespace": "iot", "fields": [
                  {"name": "temp", "type": "double"}, {"name": "location", "type": "geo.Site"}]}""";
        registry.register("geo-site-value", "AVRO", site);
        int id = registry.register(
                "readings-ref-value",
                "AVRO",
                reading,
                new ApicurioRegistryProcess.Reference("geo.Site", "geo-site-value", 1));
        Schema.Parser parser = new Schema.Parser();
        parser.parse(site);
        Schema full = parser.parse(reading);
        GenericData.Record room =
                new GenericData.Record(full.getField("location").schema());
        room.put("room", "lab");
        GenericData.Record record = new GenericData.Record(full);
        record.put("temp", 18.5);
        record.put("location", room);

        try (IcebergSink sink = sink(registrySettings(registry.url()), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            sink.put(input(0, id, binary(full, record)), rejected::add);
            sink.commit();

            assertThat(rejected).isEmpty();
            Record row = rows(sink.table(MESSAGES).orElseThrow()).get(0);
            assertThat(row.getField("temp")).isEqualTo(18.5);
            assertThat(((Record) row.getField("location")).getField("room")).isEqualTo("lab");
        }
    }

    @Test
    void protobufPayloadsGetTypedColumnsAndANewVersionsFieldBecomesAColumn() throws IOException {
        registry.register("geo-site-proto-value", "PROTOBUF", RegistryPayloads.SITE_PROTO);
        ApicurioRegistryProcess.Reference site =
                new ApicurioRegistryProcess.Reference(RegistryPayloads.SITE_PROTO_IMPORT, "geo-site-proto-value", 1);
        String subject = "meters-proto-value";
        registry.setCompatibility(subject, "BACKWARD");
        int v1 = registry.register(subject, "PROTOBUF", RegistryPayloads.METER_PROTO_V1, site);
        int v2 = registry.register(subject, "PROTOBUF", RegistryPayloads.METER_PROTO_V2, site);
        Map<String, String> imports = Map.of(RegistryPayloads.SITE_PROTO_IMPORT, RegistryPayloads.SITE_PROTO);
        Instant at = Instant.parse("2026-12-06T04:00:00.123Z");
        Map<String, Object> meter = Map.of(
                "kwh",
                20.5,
                "phase",
                "THREE",
                "location",
                Map.of("room", "lab", "floor", 2),
                "samples",
                List.of(3, 4),
                "at",
                at);
        Map<String, Object> withNote = new java.util.HashMap<>(meter);
        withNote.put("note", "swapped");

        try (IcebergSink sink = sink(registrySettings(registry.url()), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            byte[] first = RegistryPayloads.protobuf(v1, RegistryPayloads.METER_PROTO_V1, imports, meter);
            sink.put(wireInput(0, first), rejected::add);
            sink.commit();
            assertThat(sink.table(MESSAGES).orElseThrow().schema().findField("note"))
                    .isNull();
            byte[] second = RegistryPayloads.protobuf(v2, RegistryPayloads.METER_PROTO_V2, imports, withNote);
            sink.put(wireInput(1, second), rejected::add);
            sink.put(wireInput(2, WireFormat.encode(v1, new byte[] {0, 9, 9})), rejected::add);
            sink.commit();

            Table table = sink.table(MESSAGES).orElseThrow();
            Types.StructType columns = table.schema().asStruct();
            assertThat(columns.fieldType("kwh")).isEqualTo(Types.DoubleType.get());
            assertThat(columns.fieldType("phase")).isEqualTo(Types.StringType.get());
            assertThat(columns.fieldType("at")).isEqualTo(Types.TimestampType.withZone());
            assertThat(columns.fieldType("note")).isEqualTo(Types.StringType.get());
            assertThat(table.schema().findType("location.floor")).isEqualTo(Types.IntegerType.get());
            assertThat(table.schema().findType("samples"))
                    .isEqualTo(Types.ListType.ofOptional(
                            table.schema().findField("samples.element").fieldId(), Types.IntegerType.get()));
            List<Record> rows = sorted(rows(table));
            assertThat(rows).extracting(row -> row.getField("kwh")).containsExactly(20.5, 20.5);
            assertThat(rows).extracting(row -> row.getField("note")).containsExactly(null, "swapped");
            assertThat(rows.get(0).getField("phase")).isEqualTo("THREE");
            assertThat(rows.get(0).getField("samples")).isEqualTo(List.of(3, 4));
            assertThat(rows.get(0).getField("at")).isEqualTo(at.atOffset(ZoneOffset.UTC));
            Record place = (Record) rows.get(1).getField("location");
            assertThat(place.getField("room")).isEqualTo("lab");
            assertThat(place.getField("floor")).isEqualTo(2);
            assertThat(rejected)
                    .singleElement()
                    .asString()
                    .contains("payload is not Protobuf of iot.Meter (schema id " + v1 + ")");
        }
    }

    @Test
    void aJsonSchemaThatRefersToAnotherSubjectGetsTheColumnsOfBothAndFollowsItsVersions() throws IOException {
        String site = """
                {"type": "object", "properties": {"room": {"type": "string"}, "floor": {"$ref": "#/$defs/floor"}},
                 "$defs": {"floor": {"type": "integer"}}}""";
        String readingV1 = """
                {"type": "object", "properties": {"temp": {"type": "number"}, "place": {"$ref": "site.json"}}}""";
        String readingV2 = """
                {"type": "object", "properties": {"temp": {"type": "number"}, "place": {"$ref": "site.json"},
                  "day": {"type": "string", "format": "date"}}}""";
        registry.register("geo-site-json-value", "JSON", site);
        ApicurioRegistryProcess.Reference siteRef =
                new ApicurioRegistryProcess.Reference("site.json", "geo-site-json-value", 1);
        int v1 = registry.register("readings-json-ref-value", "JSON", readingV1, siteRef);
        int v2 = registry.register("readings-json-ref-value", "JSON", readingV2, siteRef);

        try (IcebergSink sink = sink(registrySettings(registry.url()), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            sink.put(
                    input(0, v1, json("{\"temp\": 19.5, \"place\": {\"room\": \"lab\", \"floor\": 3}}")),
                    rejected::add);
            sink.put(
                    input(1, v2, json("{\"temp\": 20, \"place\": {\"room\": \"hall\"}, \"day\": \"2026-12-06\"}")),
                    rejected::add);
            sink.commit();

            assertThat(rejected).isEmpty();
            Table table = sink.table(MESSAGES).orElseThrow();
            assertThat(table.schema().findType("place.floor")).isEqualTo(Types.LongType.get());
            assertThat(table.schema().findType("day")).isEqualTo(Types.DateType.get());
            List<Record> rows = sorted(rows(table));
            assertThat(rows).extracting(row -> row.getField("temp")).containsExactly(19.5, 20.0);
            assertThat(rows).extracting(row -> row.getField("day")).containsExactly(null, LocalDate.of(2026, 12, 6));
            assertThat(((Record) rows.get(0).getField("place")).getField("floor"))
                    .isEqualTo(3L);
            assertThat(((Record) rows.get(1).getField("place")).getField("room"))
                    .isEqualTo("hall");
        }
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A record whose Kafka value is {@code payload}, wire-format prefix and all. */
    private static SinkInput wireInput(long offset, byte[] payload) {
        return input(offset, WireFormat.schemaId(payload), WireFormat.body(payload));
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<Record> sorted(List<Record> rows) {
        return rows.stream()
                .sorted(Comparator.comparing(row -> (Long) row.getField("kafka_offset")))
                .toList();
    }

    private static SinkInput input(long offset, int schemaId, byte[] body) {
        MqttRecord mqtt = new MqttRecord(
                "site-1/device-1/reading",
                WireFormat.encode(schemaId, body),
                1,
                false,
                "client-" + offset,
                true,
                null,
                null,
                null,
                null,
                List.of());
        return new SinkInput(SinkFixtures.KAFKA_TOPIC, 0, offset, SinkFixtures.T0 + offset, mqtt);
    }

    /** Avro binary, as a Confluent serializer writes the body. */
    private static byte[] avro(String schemaText, Object temp, Long humidity) throws IOException {
        Schema schema = new Schema.Parser().parse(schemaText);
        GenericData.Record record = new GenericData.Record(schema);
        record.put("temp", temp);
        if (schema.getField("day") != null) {
            record.put("day", (int) LocalDate.of(2026, 12, 6).toEpochDay());
            record.put(
                    "at",
                    OffsetDateTime.of(2026, 12, 6, 4, 0, 0, 0, ZoneOffset.UTC)
                            .toInstant()
                            .toEpochMilli());
            GenericData.Record place =
                    new GenericData.Record(schema.getField("place").schema());
            place.put("room", "lab");
            record.put("place", place);
        }
        if (schema.getField("humidity") != null) {
            record.put("humidity", humidity);
        }
        return binary(schema, record);
    }

    private static byte[] binary(Schema schema, GenericData.Record record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericData.Record>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
