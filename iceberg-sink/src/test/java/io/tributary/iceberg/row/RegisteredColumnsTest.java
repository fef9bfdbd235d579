/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static io.tributary.iceberg.row.RowFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.registry.PayloadSchemas;
import io.tributary.record.MqttRecord;
import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.RegistryUnavailableException;
import io.tributary.registry.SchemaLookupException;
import io.tributary.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Payload columns from registered Avro and JSON Schema schemas, on an in-memory registry and table. */
class RegisteredColumnsTest {

    private static final RowSettings JSON = new RowSettings(
            List.of("site", "device"),
            true,
            RowSettings.PayloadFormat.JSON,
            RowSettings.NonJsonPayload.REJECT,
            "",
            false);

    static final String READING_V1 = """
            {"type": "record", "name": "Reading", "namespace": "iot", "fields": [
              {"name": "temp", "type": "double"},
              {"name": "count", "type": "int"},
              {"name": "unit", "type": {"type": "enum", "name": "Unit", "symbols": ["C", "F"]}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "note", "type": ["null", "string"], "default": null},
              {"name": "place", "type": {"type": "record", "name": "Place", "fields": [
                {"name": "lat", "type": "double"}, {"name": "lon", "type": "double"}]}},
              {"name": "samples", "type": {"type": "array", "items": "long"}},
              {"name": "labels", "type": {"type": "map", "values": "string"}}
            ]}""";

    private final Map<Integer, RegisteredSchema> registered = new HashMap<>();
    private boolean registryDown;
    private final PayloadSchemas schemas = new PayloadSchemas(this::lookUp);
    private final RowConverter converter = new RowConverter(JSON, schemas);

    private RegisteredSchema lookUp(int id) throws SchemaLookupException {
        if (registryDown) {
            throw new RegistryUnavailableException("registry down");
        }
        RegisteredSchema schema = registered.get(id);
        if (schema == null) {
            throw new SchemaLookupException("schema id " + id + " is not in the registry");
        }
        return schema;
    }

    @Test
    void avroTypesBecomeIcebergColumnsAndValues() {
        registered.put(7, new RegisteredSchema(7, RegisteredSchema.Format.AVRO, READING_V1));
        UUID id = UUID.randomUUID();
        SinkInput input = input(7, avro(READING_V1, Map.of("id", id.toString())));
        Table table = RowFixtures.table(converter.initialSchema(input));

        GenericRecord row = write(converter, table, input);

        Types.StructType columns = table.schema().asStruct();
        assertThat(columns.fieldType("temp")).isEqualTo(Types.DoubleType.get());
        assertThat(columns.fieldType("count")).isEqualTo(Types.IntegerType.get());
        assertThat(columns.fieldType("unit")).isEqualTo(Types.StringType.get());
        assertThat(columns.fieldType("day")).isEqualTo(Types.DateType.get());
        assertThat(columns.fieldType("at")).isEqualTo(Types.TimestampType.withZone());
        assertThat(columns.fieldType("price")).isEqualTo(Types.DecimalType.of(9, 2));
        assertThat(columns.fieldType("id")).isEqualTo(Types.UUIDType.get());
        assertThat(columns.fieldType("place").isStructType()).isTrue();
        assertThat(columns.fieldType("samples")).isInstanceOf(Types.ListType.class);
        assertThat(columns.fieldType("labels")).isInstanceOf(Types.MapType.class);
        assertThat(row.getField("temp")).isEqualTo(21.5);
        assertThat(row.getField("count")).isEqualTo(3);
        assertThat(row.getField("unit")).isEqualTo("C");
        assertThat(row.getField("day")).isEqualTo(LocalDate.of(2026, 12, 6));
        assertThat(row.getField("at")).isEqualTo(OffsetDateTime.of(2026, 12, 6, 4, 0, 0, 0, ZoneOffset.UTC));
        assertThat(row.getField("price")).isEqualTo(new BigDecimal("12.34"));
        assertThat(row.getField("id")).isEqualTo(id);
        assertThat(row.getField("note")).isNull();
        assertThat(((Record) row.getField("place")).getField("lat")).isEqualTo(52.5);
        assertThat(row.getField("samples")).isEqualTo(List.of(1L, 2L));
        assertThat(row.getField("labels")).isEqualTo(Map.of("room", "lab"));
        assertThat(row.getField("device")).isEqualTo("d1");
    }

    @Test
    void aNewVersionWithAnAddedFieldAddsAColumnAndOlderRecordsLeaveItNull() {
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, SMALL_V1));
        registered.put(2, new RegisteredSchema(2, RegisteredSchema.Format.AVRO, SMALL_V2));
        SinkInput v1 = input(1, avro(SMALL_V1, Map.of("temp", 20.0)));
        Table table = RowFixtures.table(converter.initialSchema(v1));
        write(converter, table, v1);

        GenericRecord v2Row = write(converter, table, input(2, avro(SMALL_V2, Map.of("temp", 21.0, "humidity", 40L))));
        GenericRecord v1Again = write(converter, table, input(1, avro(SMALL_V1, Map.of("temp", 22.0))));

        assertThat(table.schema().findType("humidity")).isEqualTo(Types.LongType.get());
        assertThat(v2Row.getField("humidity")).isEqualTo(40L);
        assertThat(v1Again.getField("humidity")).isNull();
        assertThat(v1Again.getField("temp")).isEqualTo(22.0);
    }

    @Test
    void aWiderTypeInANewVersionWidensTheColumnAndANarrowerOneIsWidenedOnWrite() {
        String intCount = small("int");
        String longCount = small("long");
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, intCount));
        registered.put(2, new RegisteredSchema(2, RegisteredSchema.Format.AVRO, longCount));
        SinkInput first = input(1, avro(intCount, Map.of("count", 5)));
        Table table = RowFixtures.table(converter.initialSchema(first));
        write(converter, table, first);

        GenericRecord wide = write(converter, table, input(2, avro(longCount, Map.of("count", 5_000_000_000L))));
        GenericRecord narrow = write(converter, table, input(1, avro(intCount, Map.of("count", 6))));

        assertThat(table.schema().findType("count")).isEqualTo(Types.LongType.get());
        assertThat(wide.getField("count")).isEqualTo(5_000_000_000L);
        assertThat(narrow.getField("count")).isEqualTo(6L);
    }

    @Test
    void anIncompatibleTypeChangeIsRejectedWithTheSchemaIdFieldAndTypes() {
        String longCount = small("long");
        String stringCount = small("string");
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, longCount));
        registered.put(2, new RegisteredSchema(2, RegisteredSchema.Format.AVRO, stringCount));
        SinkInput first = input(1, avro(longCount, Map.of("count", 5L)));
        Table table = RowFixtures.table(converter.initialSchema(first));
        write(converter, table, first);

        Conversion conversion = converter.convert(input(2, avro(stringCount, Map.of("count", "five"))), table.schema());

        assertThat(conversion).isInstanceOf(Conversion.Rejected.class);
        assertThat(((Conversion.Rejected) conversion).reason())
                .contains("field 'count' is string in schema id 2", "column 'count' is long");
    }

    @Test
    void unknownIdsUnmappableSchemasAndBrokenBodiesAreRejectedWithTheirReason() {
        String union = """
                {"type": "record", "name": "R", "fields": [{"name": "v", "type": ["int", "string"]}]}""";
        registered.put(3, new RegisteredSchema(3, RegisteredSchema.Format.AVRO, union));
        registered.put(4, new RegisteredSchema(4, RegisteredSchema.Format.AVRO, SMALL_V1));
        Table table = RowFixtures.table(converter.baseSchema());

        assertThat(reason(input(99, new byte[] {1}), table)).contains("schema id 99 is not in the registry");
        assertThat(reason(input(3, new byte[] {0, 2}), table)).contains("schema id 3", "union of 2 types");
        assertThat(reason(input(4, new byte[] {1}), table)).contains("not Avro binary of schema id 4");
    }

    @Test
    void aCachedSchemaOutlivesARegistryOutageAndAnUncachedOneWaitsForTheRegistry() {
        registered.put(1, new RegisteredSchema(1, RegisteredSchema.Format.AVRO, SMALL_V1));
        registered.put(2, new RegisteredSchema(2, RegisteredSchema.Format.AVRO, SMALL_V2));
        SinkInput first = input(1, avro(SMALL_V1, Map.of("temp", 20.0)));
        Table table = RowFixtures.table(converter.initialSchema(first));
        registryDown = true;

        assertThat(write(converter, table, first).getField("temp")).isEqualTo(20.0);
        SinkInput v2 = input(2, avro(SMALL_V2, Map.of("temp", 21.0, "humidity", 40L)));
        assertThatThrownBy(() -> converter.convert(v2, table.schema()))
                .isInstanceOf(RegistryUnavailableException.class);
        registryDown = false;
        assertThat(write(converter, table, v2).getField("humidity")).isEqualTo(40L);
    }

    @Test
    void jsonSchemaTypesAndFormatsBecomeColumns() {
        String schema = """
                {"type": "object", "properties": {
                  "temp": {"type": "number"},
                  "count": {"type": ["integer", "null"]},
                  "day": {"type": "string", "format": "date"},
                  "at": {"type": "string", "format": "date-time"},
                  "id": {"type": "string", "format": "uuid"},
                  "place": {"$ref": "#/definitions/Place"},
                  "tags": {"type": "array", "items": {"type": "string"}},
                  "labels": {"type": "object", "additionalProperties": {"type": "string"}}
                },
                "definitions": {"Place": {"type": "object", "properties": {"lat": {"type": "number"}}}}}""";
        registered.put(5, new RegisteredSchema(5, RegisteredSchema.Format.JSON, schema));
        UUID id = UUID.randomUUID();
        String body = "{\"temp\": 21, \"count\": 3, \"day\": \"2026-12-06\", \"at\": \"2026-12-06T05:00:00+01:00\","
                + " \"id\": \"" + id + "\", \"place\": {\"lat\": 52.5}, \"tags\": [\"a\"], \"labels\": {\"k\": \"v\"},"
                + " \"extra\": 1}";
        SinkInput input = input(5, body.getBytes(StandardCharsets.UTF_8));
        Table table = RowFixtures.table(converter.initialSchema(input));

        GenericRecord row = write(converter, table, input);

        Types.StructType columns = table.schema().asStruct();
        assertThat(columns.fieldType("temp")).isEqualTo(Types.DoubleType.get());
        assertThat(columns.fieldType("count")).isEqualTo(Types.LongType.get());
        assertThat(columns.fieldType("day")).isEqualTo(Types.DateType.get());
        assertThat(columns.fieldType("at")).isEqualTo(Types.TimestampType.withZone());
        assertThat(columns.fieldType("id")).isEqualTo(Types.UUIDType.get());
        assertThat(columns.field("extra"))
                .as("a property the schema does not list")
                .isNull();
        assertThat(row.getField("temp")).isEqualTo(21.0);
        assertThat(row.getField("count")).isEqualTo(3L);
        assertThat(row.getField("day")).isEqualTo(LocalDate.of(2026, 12, 6));
        assertThat(row.getField("at")).isEqualTo(OffsetDateTime.of(2026, 12, 6, 4, 0, 0, 0, ZoneOffset.UTC));
        assertThat(row.getField("id")).isEqualTo(id);
        assertThat(((Record) row.getField("place")).getField("lat")).isEqualTo(52.5);
        assertThat(row.getField("tags")).isEqualTo(List.of("a"));
        assertThat(row.getField("labels")).isEqualTo(Map.of("k", "v"));
        assertThat(row.getField("payload"))
                .isEqualTo(ByteBuffer.wrap(input.mqtt().payload()));
    }

    @Test
    void aJsonPayloadThatContradictsItsSchemaIsRejected() {
        String schema = "{\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\"}}}";
        registered.put(6, new RegisteredSchema(6, RegisteredSchema.Format.JSON, schema));
        Table table = RowFixtures.table(converter.baseSchema());

        assertThat(reason(input(6, "{\"count\": \"three\"}".getBytes(StandardCharsets.UTF_8)), table))
                .contains("schema id 6", "field 'count'", "\"three\"");
    }

    static final String SMALL_V1 = """
            {"type": "record", "name": "Small", "fields": [{"name": "temp", "type": "double"}]}""";
    static final String SMALL_V2 = """
            {"type": "record", "name": "Small", "fields": [{"name": "temp", "type": "double"},
              {"name": "humidity", "type": "long", "default": 0}]}""";

    private static String small(String countType) {
        return "{\"type\": \"record\", \"name\": \"Small\", \"fields\": [{\"name\": \"count\", \"type\": \"" + countType
                + "\"}]}";
    }

    private String reason(SinkInput input, Table table) {
        Conversion conversion = converter.convert(input, table.schema());
        assertThat(conversion).isInstanceOf(Conversion.Rejected.class);
        return ((Conversion.Rejected) conversion).reason();
    }

    static SinkInput input(int schemaId, byte[] body) {
        MqttRecord mqtt = new MqttRecord(
                "s1/d1", WireFormat.encode(schemaId, body), 1, false, null, false, null, null, null, null, List.of());
        return new SinkInput("mqtt.messages", 0, 42, RowFixtures.TIMESTAMP, mqtt);
    }

    /** Avro binary of a record of {@code schemaText}: READING_V1's fields get sample values unless given. */
    static byte[] avro(String schemaText, Map<String, Object> values) {
        Schema schema = new Schema.Parser().parse(schemaText);
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            record.put(field.name(), values.containsKey(field.name()) ? values.get(field.name()) : sample(field));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericData.Record>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Object sample(Schema.Field field) {
        return switch (field.name()) {
            case "temp" -> 21.5;
            case "count" -> 3;
            case "unit" -> new GenericData.EnumSymbol(field.schema(), "C");
            case "day" -> (int) LocalDate.of(2026, 12, 6).toEpochDay();
            case "at" ->
                OffsetDateTime.of(2026, 12, 6, 4, 0, 0, 0, ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli();
            case "price" ->
                new Conversions.DecimalConversion()
                        .toBytes(new BigDecimal("12.34"), field.schema(), LogicalTypes.decimal(9, 2));
            case "place" -> {
                GenericData.Record place = new GenericData.Record(field.schema());
                place.put("lat", 52.5);
                place.put("lon", 13.4);
                yield place;
            }
            case "samples" -> List.of(1L, 2L);
            case "labels" -> Map.of("room", "lab");
            default -> null;
        };
    }
}
