/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.it.TieringCluster.Produced;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Compares tiered files, read with their format's reader, record by record with what was produced. */
final class TieredFilesAssert {
    private TieredFilesAssert() {}

    /** Rows read from each file, by the file's path. */
    static int rowCount(Map<String, List<Row>> files) {
        return files.values().stream().mapToInt(List::size).sum();
    }

    static void assertExactlyOnceInOrder(String topic, List<Produced> produced, Map<String, List<Row>> files) {
        Map<String, Produced> expected =
                produced.stream().collect(Collectors.toMap(p -> p.partition() + "@" + p.offset(), p -> p));
        Map<String, String> seenIn = new HashMap<>();
        files.forEach((path, rows) -> {
            for (int i = 1; i < rows.size(); i++) {
                assertTrue(rows.get(i - 1).offset() < rows.get(i).offset(), "offset order in " + path);
            }
            for (Row row : rows) {
                String key = row.partition() + "@" + row.offset();
                String earlier = seenIn.put(key, path);
                assertEquals(null, earlier, "record " + key + " twice: in " + earlier + " and " + path);
                Produced want = expected.get(key);
                assertTrue(want != null, "unexpected record " + key + " in " + path);
                assertEquals(topic, row.kafkaTopic());
                assertEquals(want.mqttTopic(), row.mqttTopic(), key);
                assertEquals(want.payload(), row.payload(), key);
                assertEquals(want.client(), row.client(), key);
            }
        });
        assertEquals(expected.keySet(), seenIn.keySet(), "every produced record is in storage");
    }
}
