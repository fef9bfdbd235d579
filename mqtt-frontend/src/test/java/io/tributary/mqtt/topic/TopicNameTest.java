/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.limits.TopicLimits;
import org.junit.jupiter.api.Test;

class TopicNameTest {

    private static String levels(int n) {
        return "a" + "/l".repeat(n - 1);
    }

    @Test
    void aDeepTopicIsWellFormedButBeyondTheNodesBound() {
        // Any depth is valid MQTT; deeper than MAX_LEVELS is the node's limit, which a PUBLISH meets as PUBACK 0x90.
        assertThat(TopicName.malformedReason(levels(1_000))).isNull();
        assertThat(TopicName.invalidReason(levels(TopicName.MAX_LEVELS))).isNull();
        assertThat(TopicName.invalidReason(levels(TopicName.MAX_LEVELS + 1))).contains("at most 128 levels");
        assertThat(TopicLimits.NONE.exceeded(levels(TopicName.MAX_LEVELS))).isNull();
        assertThat(TopicLimits.NONE.exceeded(levels(TopicName.MAX_LEVELS + 1))).contains("mqtt.max.topic.levels");
    }

    @Test
    void wildcardsNullAndEmptyNamesAreMalformed() {
        assertThat(TopicName.malformedReason("a/+")).contains("[MQTT-3.3.2-2]");
        assertThat(TopicName.malformedReason("a/#")).contains("[MQTT-3.3.2-2]");
        assertThat(TopicName.malformedReason("a\u0000b")).contains("[MQTT-4.7.3-2]");
        assertThat(TopicName.malformedReason("")).contains("[MQTT-4.7.3-1]");
        assertThat(TopicName.invalidReason("a/+")).contains("[MQTT-3.3.2-2]");
    }
}
