/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.it;

import static io.tributary.lake.it.NodeProcess.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.iceberg.data.Record;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tributary --lake DIR} as a user runs it: the node (embedded Kafka) and its Connect worker are real
 * processes, MQTT messages with JSON payloads go in through a real client, and the table is read with Iceberg's
 * own API. Then the node is stopped, and its worker with it. (A node that dies without stopping its worker:
 * ParentWatchTest.)
 */
class LakeInOneCommandIT {
    private static final String TABLE = "mqtt.messages";
    private static final Duration NODE_START = Duration.ofSeconds(90);
    /** Five seconds' commit interval, plus the first commit's table creation, on a busy machine. */
    private static final Duration ROWS_VISIBLE = Duration.ofSeconds(60);

    private static final Duration WORKER_GONE = Duration.ofSeconds(45);

    @TempDir
    Path work;

    /** One PUBLISH: its topic and the fields of its JSON payload. */
    private record Reading(String topic, String room, double temperature, long humidity) {
        byte[] payload() {
            return ("{\"temperature\": " + temperature + ", \"humidity\": " + humidity + ", \"room\": \"" + room
                            + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The worker's log, which the node writes under the lake directory, into the test's output. */
    @AfterEach
    void printWorkerLog() throws Exception {
        Path log = work.resolve("lake/connect/worker.log");
        if (Files.exists(log)) {
            List<String> lines = Files.readAllLines(log);
            System.out.println("---- " + log + " (last 150 lines)");
            lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(System.out::println);
        }
    }

    @Test
    void publishedMessagesAreTableRowsWithinSecondsAndTheWorkerStopsWithItsNode() throws Exception {
        Path lake = work.resolve("lake");
        List<String> args = nodeArgs(lake);
        List<Reading> published = readings(0, 30);
        try (NodeProcess node = NodeProcess.start(args).awaitRunning(NODE_START)) {
            assertThat(node.output()).anyMatch(line -> line.contains("Iceberg table lake." + TABLE));
            publish(args, published);
            awaitRows(lake, published);
            assertConnectorRunning(args);

            ProcessHandle worker = node.lakeWorker();
            node.process().destroy(); // Ctrl-C: the node stops its worker, then itself
            assertThat(node.process().waitFor(WORKER_GONE.toSeconds(), TimeUnit.SECONDS))
                    .as("the node stopped")
                    .isTrue();
            assertThat(worker.isAlive())
                    .as("the worker outlived its stopped node")
                    .isFalse();
        }
    }

    private List<String> nodeArgs(Path lake) throws Exception {
        return List.of(
                "--mqtt-port", Integer.toString(freePort()),
                "--kafka-port", Integer.toString(freePort()),
                "--data-dir", work.resolve("kafka").toString(),
                "--lake", lake.toString(),
                "--lake-connect-port", Integer.toString(freePort()));
    }

    private static String option(List<String> args, String name) {
        return args.get(args.indexOf(name) + 1);
    }

    private static List<Reading> readings(int from, int count) {
        List<Reading> readings = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String room = "room" + (i % 3);
            readings.add(new Reading("sensors/" + room + "/climate", room, 20.5 + i, 40 + i));
        }
        return readings;
    }

    private static void publish(List<String> args, List<Reading> readings) throws Exception {
        MqttClient client = new MqttClient(
                "tcp://127.0.0.1:" + option(args, "--mqtt-port"), "lake-it-publisher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        try {
            for (Reading r : readings) {
                client.publish(r.topic(), r.payload(), 1, false); // returns at PUBACK: Kafka has it
            }
        } finally {
            client.disconnect();
            client.close();
        }
    }

    /** Exactly one row per message, with topic levels and the payload's fields as typed columns. */
    private static void awaitRows(Path lake, List<Reading> published) {
        await("a row per published message in lake." + TABLE)
                .atMost(ROWS_VISIBLE)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> LakeTable.rows(lake, TABLE).size() >= published.size());
        List<Record> rows = LakeTable.rows(lake, TABLE);
        assertThat(rows).hasSize(published.size());
        Map<Double, Reading> byTemperature =
                published.stream().collect(Collectors.toMap(Reading::temperature, Function.identity()));
        for (Record row : rows) {
            Reading sent = byTemperature.get((Double) row.getField("temperature"));
            assertThat(sent).as("a row nobody published: %s", row).isNotNull();
            assertThat(row.getField("topic")).isEqualTo(sent.topic());
            assertThat(row.getField("level1")).isEqualTo("sensors");
            assertThat(row.getField("level2")).isEqualTo(sent.room());
            assertThat(row.getField("level3")).isEqualTo("climate");
            assertThat(row.getField("humidity")).isEqualTo(sent.humidity());
            assertThat(row.getField("room")).isEqualTo(sent.room());
            assertThat(row.getField("qos")).isEqualTo(1);
            assertThat(row.getField("client_id")).isEqualTo("lake-it-publisher");
        }
    }

    /** The worker's REST API answers on 127.0.0.1 at the chosen port, so more connectors can be added there. */
    private static void assertConnectorRunning(List<String> args) throws Exception {
        HttpResponse<String> status = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + option(args, "--lake-connect-port")
                                        + "/connectors/mqtt-lake/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"state\":\"RUNNING\"");
    }
}
