/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.topic;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Rules for topic names in PUBLISH packets. */
public final class TopicName {

    /** The most levels a topic may have; deeper topics are refused as invalid. */
    public static final int MAX_LEVELS = 128;

    private TopicName() {}

    /** Returns why the topic name is invalid, or null when it is valid: {@link #malformedReason} or too deep. */
    public static @Nullable String invalidReason(String topic) {
        return check(topic, true);
    }

    /**
     * Returns why the topic name breaks the specification's rules (empty, wildcards, U+0000), or null. A name of
     * any depth is valid MQTT: {@link #MAX_LEVELS} is the node's own bound, which a PUBLISH meets as a limit
     * (PUBACK 0x90, the connection stays).
     */
    public static @Nullable String malformedReason(String topic) {
        return check(topic, false);
    }

    /** One pass over the name: it runs for every record a shard reader delivers. */
    private static @Nullable String check(String topic, boolean boundLevels) {
        if (topic.isEmpty()) {
            return "a topic name must be at least one character long [MQTT-4.7.3-1]";
        }
        int levels = 1;
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "a topic name must not contain wildcards [MQTT-3.3.2-2]";
            }
            if (c == '\u0000') {
                return "a topic name must not contain U+0000 [MQTT-4.7.3-2]";
            }
            if (c == '/' && boundLevels && ++levels > MAX_LEVELS) {
                return "a topic name may have at most " + MAX_LEVELS + " levels";
            }
        }
        return null;
    }

    public static List<String> levels(String topic) {
        return Arrays.asList(topic.split("/", -1));
    }
}
