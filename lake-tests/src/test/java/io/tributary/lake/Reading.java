/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import io.tributary.iceberg.SinkInput;
import io.tributary.record.MqttRecord;
import io.tributary.record.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One telemetry message a device published on {@code sensors/<site>/<device>/telemetry}, and where it landed
 * in Kafka. The JSON payload is what the tests query back: {@code {"temperature": 21.5, "humidity": 40, ...}}.
 *
 * @param pressure a field only later messages carry (the table grows a column); null when absent
 */
record Reading(
        String site,
        String device,
        double temperature,
        long humidity,
        int batteryLevel,
        @Nullable Double pressure,
        int qos,
        int partition,
        long offset,
        long timestampMs) {

    static final String KAFKA_TOPIC = "mqtt.sensors";
    static final List<String> DEVICES = List.of("d1", "d2", "d3", "d4");
    static final long T0_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final String FIRMWARE = "1.4.2";

    String topic() {
        return "sensors/" + site + "/" + device + "/telemetry";
    }

    String clientId() {
        return "sensor-" + device;
    }

    String payloadJson() {
        // Temperatures always carry a fraction ("21.0", not "21"): the column is double from the first message.
        return "{\"temperature\": " + temperature + ", \"humidity\": " + humidity + ", \"battery\": {\"level\": "
                + batteryLevel + "}" + (pressure == null ? "" : ", \"pressure\": " + pressure) + "}";
    }

    /** The record as the sink reads it from Kafka. */
    SinkInput toSinkInput() {
        MqttRecord mqtt = new MqttRecord(
                topic(),
                payloadJson().getBytes(StandardCharsets.UTF_8),
                qos,
                false,
                clientId(),
                true,
                "application/json",
                null,
                null,
                null,
                List.of(new UserProperty("unit", "celsius"), new UserProperty("fw", FIRMWARE)));
        return new SinkInput(KAFKA_TOPIC, partition, offset, timestampMs, mqtt);
    }

    /**
     * Three batches (12, 12 and 8 messages) from four devices on two sites, on two Kafka partitions. Temperatures
     * are halves (exact in binary), so sums and averages are the same in any order. The last batch adds a field.
     */
    static List<List<Reading>> telemetryBatches() {
        int[] sizes = {12, 12, 8};
        Map<Integer, Long> nextOffset = new HashMap<>();
        List<List<Reading>> batches = new ArrayList<>();
        int n = 0;
        for (int b = 0; b < sizes.length; b++) {
            List<Reading> batch = new ArrayList<>();
            for (int i = 0; i < sizes[b]; i++, n++) {
                int deviceIndex = n % DEVICES.size();
                int partition = deviceIndex % 2;
                long offset = nextOffset.merge(partition, 1L, Long::sum) - 1;
                batch.add(new Reading(
                        deviceIndex < 2 ? "s1" : "s2",
                        DEVICES.get(deviceIndex),
                        18.0 + ((n * 7) % 23) * 0.5,
                        35 + (n * 3) % 20,
                        100 - n,
                        b == sizes.length - 1 ? 1000.0 + n * 0.25 : null,
                        n % 2,
                        partition,
                        offset,
                        T0_MS + n * 1000L));
            }
            batches.add(List.copyOf(batch));
        }
        return List.copyOf(batches);
    }
}
