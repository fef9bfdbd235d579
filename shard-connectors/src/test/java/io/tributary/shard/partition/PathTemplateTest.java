/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.shard.testing.ShardRecords;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
    // 2024-03-05T23:30:00Z
    private static final long TIME = 1_709_681_400_000L;

    @Test
    void defaultLayoutIsKafkaTopicAndPartition() {
        PathTemplate template = PathTemplate.parse("{topic}/partition={partition}", ZoneOffset.UTC);

        assertEquals(
                "mqtt.messages/partition=4",
                template.directoryFor(ShardRecords.publish("mqtt.messages", 4, 0, TIME, "a/b", "x")));
    }

    @Test
    void mqttTopicLevelsAndRecordDayMakeHiveStyleDirectories() {
        PathTemplate template = PathTemplate.parse("site={1}/device={2}/dt={dt}/hour={hour}", ZoneOffset.UTC);

        assertEquals(
                "site=berlin/device=d-17/dt=2024-03-05/hour=23",
                template.directoryFor(ShardRecords.publish("t", 0, 0, TIME, "berlin/d-17/temperature", "x")));
    }

    @Test
    void recordTimeFollowsTheConfiguredZone() {
        PathTemplate template = PathTemplate.parse("dt={dt}", ZoneId.of("Europe/Berlin"));

        assertEquals("dt=2024-03-06", template.directoryFor(ShardRecords.publish("t", 0, 0, TIME, "a", "x")));
    }

    @Test
    void missingEmptyAndUnsafeLevelsStayInsideOneDirectory() {
        PathTemplate template = PathTemplate.parse("{1}/{2}/{3}", ZoneOffset.UTC);

        assertEquals(
                "__empty__/a%3Db%20c/__none__",
                template.directoryFor(ShardRecords.publish("t", 0, 0, TIME, "/a=b c", "x")));
        assertEquals("%2E%2E/x/__none__", template.directoryFor(ShardRecords.publish("t", 0, 0, TIME, "../x", "x")));
    }

    @Test
    void unknownPlaceholderIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("{device}", ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("{0}", ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("{1", ZoneOffset.UTC));
    }
}
