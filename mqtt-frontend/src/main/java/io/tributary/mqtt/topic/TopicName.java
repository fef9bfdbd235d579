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

    /**
     * Returns why the topic name is invalid, or null when it is valid: {@link #malformedReason} or deeper than
     * {@link #MAX_LEVELS}.
     */
    public static @Nullable String invalidReason(String topic) {
        String malformed = malformedReason(topic);
        if (malformed != null) {
            return malformed;
        }
        return levels(topic, MAX_LEVELS) > MAX_LEVELS
                ? "a topic name may have at most " + MAX_LEVELS + " levels"
                : null;
    }

    /**
     * Returns why the topic name breaks the specification's rules (empty, wildcards, U+0000), or null. A name of
     * any depth is valid MQTT: the level bound is the node's own limit, refused as such (PUBACK 0x90).
     */
    public static @Nullable String malformedReason(String topic) {
        if (topic.isEmpty()) {
            return "a topic name must be at least one character long [MQTT-4.7.3-1]";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "a topic name must not contain wildcards [MQTT-3.3.2-2]";
            }
            if (c == '\u0000') {
                return "a topic name must not contain U+0000 [MQTT-4.7.3-2]";
            }
        }
        return null;
    }

    /** The number of levels, counted up to {@code bound + 1} at most. */
    public static int levels(String topic, int bound) {
        int levels = 1;
        for (int i = 0; i < topic.length() && levels <= bound; i++) {
            if (topic.charAt(i) == '/') {
                levels++;
            }
        }
        return levels;
    }

    public static List<String> levels(String topic) {
        return Arrays.asList(topic.split("/", -1));
    }
}
