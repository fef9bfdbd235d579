/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicLevelsCacheTest {

    @Test
    void everyTopicGetsItsOwnLevelsAcrossHitsMissesAndSharedSlots() {
        TopicLevelsCache cache = new TopicLevelsCache(3);
        // "Aa" and "BB" have the same hash: they take the same slot in turn.
        String[] topics = {"Aa/x/y", "BB/x/y", "Aa", "BB", "a/b/c/d", "/x//", "sensors/site-1/device-7/telemetry"};
        for (int round = 0; round < 3; round++) {
            for (String topic : topics) {
                assertThat(cache.levelsOf(new String(topic))) // a new instance, as each record's topic is
                        .as(topic)
                        .containsExactly(MqttColumns.topicLevels(topic, new String[3]));
            }
        }
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        for (int device = 0; device < 2_000; device++) {
            String topic = "sensors/site-" + device % 5 + "/device-" + device;
            assertThat(cache.levelsOf(topic)).containsExactly("sensors", "site-" + device % 5, "device-" + device);
        }
    }
}
