/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;

/**
 * The writer thread's CPU per row, Iceberg's generic appenders against the sink's ({@link SinkAppenders}), in one
 * JVM and alternating, on rows shaped as the benchmark's (nine string columns, the topic levels shared, a 256-byte
 * payload, day and site partitions). It measures the calling thread's CPU time, which the machine's load changes
 * far less than elapsed time. A main, not a test. Arguments: [rows per round (default 100000)] [rounds (default
 * 8)].
 */
public final class EncodingCpuProbe {
    private EncodingCpuProbe() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path dir = Files.createTempDirectory("encoding-probe");
        JdbcCatalog catalog = TestTables.catalog(dir);
        catalog.createNamespace(Namespace.of("iot"));
        Schema schema = schema();
        Table table = catalog.createTable(
                TableIdentifier.of("iot", "probe"),
                schema,
                PartitionSpec.builderFor(schema)
                        .day("kafka_ts")
                        .identity("site")
                        .build(),
                Map.of(TableProperties.FORMAT_VERSION, "2", "parquet.enable.dictionary", "false"));
        List<Record> input = rows(table.schema(), rows);
        double[][] micros = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int step = 0; step < 2; step++) {
                boolean sink = (step + round) % 2 == 1;
                micros[sink ? 1 : 0][round] = cpuPerRow(table, input, sink);
            }
            System.out.printf(
                    "round %d: Iceberg's appenders %.2f us/row, the sink's %.2f us/row%n",
                    round, micros[0][round], micros[1][round]);
        }
        for (int variant = 0; variant < 2; variant++) {
            double[] sorted = Arrays.copyOfRange(micros[variant], 1, rounds); // round 0 warms up
            Arrays.sort(sorted);
            System.out.printf(
                    "%s: median %.2f, lowest %.2f us/row (rounds 1-%d)%n",
                    variant == 0 ? "Iceberg's appenders" : "the sink's appenders",
                    sorted[sorted.length / 2],
                    sorted[0],
                    rounds - 1);
        }
        catalog.close();
    }

    private static double cpuPerRow(Table table, List<Record> input, boolean sink) throws Exception {
        Schema schema = table.schema();
        PartitionSpec spec = table.spec();
        Map<String, String> properties = TaskWriters.writerProperties(table.properties());
        GenericAppenderFactory appenders = sink
                ? new SinkAppenders(table, schema, spec, properties, null, null)
                : new GenericAppenderFactory(table, schema, spec, properties, null, null, null);
        OutputFileFactory files = OutputFileFactory.builderFor(table, 0, System.nanoTime())
                .format(FileFormat.PARQUET)
                .build();
        long start = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        TaskWriter<Record> writer = new PartitionedAppendWriter(
                spec, schema, FileFormat.PARQUET, appenders, files, table.io(), Long.MAX_VALUE);
        for (Record row : input) {
            writer.write(row);
        }
        writer.complete();
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start;
        return cpu / 1e3 / input.size();
    }

    private static Schema schema() {
        List<Types.NestedField> columns = new ArrayList<>();
        int id = 0;
        for (String name : List.of("topic", "source", "site", "device", "kind", "client_id")) {
            columns.add(Types.NestedField.optional(++id, name, Types.StringType.get()));
        }
        columns.add(Types.NestedField.optional(++id, "qos", Types.IntegerType.get()));
        columns.add(Types.NestedField.optional(++id, "kafka_ts", Types.TimestampType.withZone()));
        columns.add(Types.NestedField.optional(++id, "kafka_topic", Types.StringType.get()));
        columns.add(Types.NestedField.optional(++id, "kafka_offset", Types.LongType.get()));
        columns.add(Types.NestedField.optional(++id, "payload", Types.BinaryType.get()));
        columns.add(Types.NestedField.optional(++id, "temperature", Types.DoubleType.get()));
        columns.add(Types.NestedField.optional(++id, "status", Types.StringType.get()));
        columns.add(Types.NestedField.optional(++id, "firmware", Types.StringType.get()));
        return new Schema(columns);
    }

    private static List<Record> rows(Schema schema, int count) {
        List<Record> rows = new ArrayList<>(count);
        String kafkaTopic = "bench.mqtt.messages";
        String[][] levels = new String[50][];
        for (int device = 0; device < 50; device++) {
            levels[device] = new String[] {"sensors", "site-" + (device % 5), "device-" + device, "telemetry"};
        }
        OffsetDateTime t0 = OffsetDateTime.of(2026, 12, 6, 4, 0, 0, 0, ZoneOffset.UTC);
        for (int seq = 0; seq < count; seq++) {
            int device = seq % 50;
            GenericRecord row = GenericRecord.create(schema);
            // Fresh strings where a record's are decoded anew (topic, client id, payload text), shared levels.
            row.set(0, String.join("/", levels[device]));
            for (int level = 0; level < 4; level++) {
                row.set(1 + level, levels[device][level]);
            }
            row.set(5, new String(("device-" + device).toCharArray()));
            row.set(6, 1);
            row.set(7, t0.plusNanos(seq * 1_000_000L));
            row.set(8, kafkaTopic);
            row.set(9, (long) seq);
            row.set(10, ByteBuffer.wrap(new byte[256]));
            row.set(11, 18.0 + seq % 120 / 10.0);
            row.set(12, new String((seq % 97 == 0 ? "alarm" : "ok").toCharArray()));
            row.set(13, "fw-2.4.1 " + "x".repeat(170));
            rows.add(row);
        }
        return rows;
    }
}
