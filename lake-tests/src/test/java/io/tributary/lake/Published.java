/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What went into the lake, commit by commit, so the tests can say what the tables must answer.
 *
 * @param telemetryCommits the append table's commits, oldest first: each snapshot and the messages it added
 */
record Published(List<Commit> telemetryCommits) {

    /** One snapshot of the append table and the messages it added. */
    record Commit(long snapshotId, List<Reading> readings) {}

    Published {
        telemetryCommits = List.copyOf(telemetryCommits);
    }

    List<Reading> allReadings() {
        return telemetryCommits.stream().flatMap(c -> c.readings().stream()).toList();
    }

    Map<String, Double> averageTemperatureByDevice() {
        return allReadings().stream()
                .collect(Collectors.groupingBy(
                        Reading::device, TreeMap::new, Collectors.averagingDouble(Reading::temperature)));
    }

    /** The latest-value table's answer: each device's last message (by Kafka order, which is publish order). */
    Map<String, Double> lastTemperatureByDevice() {
        Map<String, Double> last = new TreeMap<>();
        allReadings().forEach(r -> last.put(r.device(), r.temperature()));
        return last;
    }
}
