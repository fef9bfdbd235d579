/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.registry.PayloadSchemas;
import io.tributary.iceberg.row.Conversion;
import io.tributary.iceberg.row.RowConverter;
import io.tributary.iceberg.row.RowSettings;
import io.tributary.iceberg.row.SchemaPlan;
import io.tributary.iceberg.table.Catalogs;
import io.tributary.iceberg.table.TableProvisioner;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.iceberg.write.TableWriter;
import io.tributary.iceberg.write.TableWriterConfig;
import io.tributary.record.MqttRecord;
import io.tributary.registry.ConfluentRestRegistry;
import io.tributary.registry.RegistrySettings;
import io.tributary.registry.WireFormat;
import io.tributary.shard.testing.ApicurioRegistryProcess;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An analyst's view of a table whose payload columns come from a schema registry: Avro payloads in the Confluent
 * wire format, registered in a real Apicurio Registry in two versions, written with the sink's converter, then
 * typed columns (date, timestamp, decimal, struct) queried with Spark SQL.
 */
class RegistryColumnsSparkSqlIT {
    private static final TableIdentifier TYPED = TableIdentifier.of("iot", "typed");
    private static final String V1 = """
            {"type": "record", "name": "Reading", "namespace": "iot", "fields": [
              {"name": "temp", "type": "double"},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "place", "type": {"type": "record", "name": "Place", "fields": [
                {"name": "room", "type": "string"}]}}]}""";
    private static final String V2 =
            V1.replace("]}}]}", "]}}, {\"name\": \"humidity\", \"type\": [\"null\", \"long\"], \"default\": null}]}");
    private static final long AT_MS = 1_796_529_600_000L; // 2026-12-06T04:00:00Z

    @Test
    void avroColumnsFromTheRegistryAreTypedColumnsInSparkSql(@TempDir Path work) throws Exception {
        Lake lake = Lake.inDirectory(work.resolve("lake"));
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start()) {
            registry.setCompatibility("readings-value", "BACKWARD");
            int v1 = registry.register("readings-value", "AVRO", V1);
            int v2 = registry.register("readings-value", "AVRO", V2);
            List<SinkInput> inputs = List.of(
                    input(0, "room-a", v1, avro(V1, 20.0, "1.25", null)),
                    input(1, "room-a", v1, avro(V1, 22.0, "2.50", null)),
                    input(2, "room-b", v2, avro(V2, 30.0, "10.00", 40L)));
            write(lake, new PayloadSchemas(new ConfluentRestRegistry(RegistrySettings.of(registry.url()))), inputs);
        }

        SparkSession spark = LakeSpark.open(lake, work.resolve("spark"));
        try {
            String table = Lake.sparkName(TYPED);
            Map<String, String> types = new TreeMap<>();
            for (Row row : spark.sql("DESCRIBE TABLE " + table).collectAsList()) {
                types.putIfAbsent(row.getString(0), row.getString(1));
            }
            assertThat(types)
                    .containsEntry("temp", "double")
                    .containsEntry("day", "date")
                    .containsEntry("at", "timestamp")
                    .containsEntry("price", "decimal(9,2)")
                    .containsEntry("place", "struct<room:string>")
                    .containsEntry("humidity", "bigint");
            List<Row> perRoom = spark.sql("SELECT place.room, avg(temp), sum(price), count(humidity), min(at) FROM "
                            + table + " WHERE day = DATE '2026-12-06' GROUP BY place.room ORDER BY place.room")
                    .collectAsList();
            assertThat(perRoom).hasSize(2);
            assertThat(perRoom.get(0).getString(0)).isEqualTo("room-a");
            assertThat(perRoom.get(0).getDouble(1)).isEqualTo(21.0);
            assertThat(perRoom.get(0).getDecimal(2)).isEqualByComparingTo("3.75");
            assertThat(perRoom.get(0).getLong(3))
                    .as("version 1 has no humidity")
                    .isZero();
            assertThat(perRoom.get(0).getTimestamp(4).getTime()).isEqualTo(AT_MS);
            assertThat(perRoom.get(1).getString(0)).isEqualTo("room-b");
            assertThat(perRoom.get(1).getLong(3)).isEqualTo(1);
        } finally {
            spark.stop();
        }
    }

    /** As the sink's task does: apply each plan, convert again; one commit. */
    private static void write(Lake lake, PayloadSchemas schemas, List<SinkInput> inputs) throws IOException {
        RowSettings settings = new RowSettings(
                List.of("site", "device"),
                true,
                RowSettings.PayloadFormat.JSON,
                RowSettings.NonJsonPayload.REJECT,
                "",
                false);
        RowConverter converter = new RowConverter(settings, schemas);
        Catalog catalog = Catalogs.load(lake.sinkCatalogSettings());
        try {
            Table table = TableProvisioner.ensure(
                    catalog, TYPED, converter.initialSchema(inputs.get(0)), PartitionSpec.unpartitioned(), List.of());
            try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("lake-tests-typed", "task-0"))) {
                for (SinkInput input : inputs) {
                    writer.write(
                            new KafkaPartition(input.kafkaTopic(), input.partition()),
                            input.offset(),
                            row(converter, table, input));
                }
                writer.commit().orElseThrow();
            }
        } finally {
            if (catalog instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }

    private static Record row(RowConverter converter, Table table, SinkInput input) {
        List<String> plans = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            Conversion conversion = converter.convert(input, table.schema());
            if (conversion instanceof Conversion.Row row) {
                return row.record();
            }
            if (conversion instanceof Conversion.Rejected rejected) {
                throw new IllegalStateException("the sink would dead-letter " + input + ": " + rejected.reason());
            }
            plans.add(conversion.toString());
            ((SchemaPlan) conversion).applyTo(table.updateSchema()).commit();
            table.refresh();
        }
        throw new IllegalStateException("no row for " + input + " after " + plans);
    }

    private static SinkInput input(long offset, String device, int schemaId, byte[] body) {
        MqttRecord mqtt = new MqttRecord(
                "site-1/" + device,
                WireFormat.encode(schemaId, body),
                1,
                false,
                device,
                true,
                null,
                null,
                null,
                null,
                List.of());
        return new SinkInput("mqtt.messages", 0, offset, AT_MS + offset, mqtt);
    }

    private static byte[] avro(String schemaText, double temp, String price, Long humidity) throws IOException {
        Schema schema = new Schema.Parser().parse(schemaText);
        GenericData.Record record = new GenericData.Record(schema);
        record.put("temp", temp);
        record.put("day", (int) LocalDate.of(2026, 12, 6).toEpochDay());
        record.put("at", AT_MS);
        Schema priceSchema = schema.getField("price").schema();
        record.put(
                "price",
                new Conversions.DecimalConversion()
                        .toBytes(new BigDecimal(price), priceSchema, LogicalTypes.decimal(9, 2)));
        GenericData.Record place =
                new GenericData.Record(schema.getField("place").schema());
        place.put("room", humidity == null ? "room-a" : "room-b");
        record.put("place", place);
        if (schema.getField("humidity") != null) {
            record.put("humidity", humidity);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericData.Record>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
