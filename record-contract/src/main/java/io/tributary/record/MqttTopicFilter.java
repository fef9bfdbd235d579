/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import java.util.List;

/**
 * An MQTT topic filter ({@code sensors/+/temperature}, {@code site/#}) that tells whether a topic name matches
 * it, for code that routes records by MQTT topic (sinks choosing a table, the routing helper). Parsing
 * validates the filter; {@link #matches} walks the topic in place and allocates nothing, since a sink calls
 * it for every record.
 *
 * <p>Shared subscriptions ({@code $share/group/filter}) are a subscription concept, not a topic pattern, and
 * are refused.
 */
public final class MqttTopicFilter {

    private static final String SINGLE_LEVEL = "+";
    private static final String MULTI_LEVEL = "#";

    private final String text;
    private final String[] levels;
    private final boolean leadingWildcard;

    private MqttTopicFilter(String text, String[] levels) {
        this.text = text;
        this.levels = levels;
        this.leadingWildcard = levels[0].equals(SINGLE_LEVEL) || levels[0].equals(MULTI_LEVEL);
    }

    /**
     * Parses and validates a filter.
     *
     * @throws IllegalArgumentException saying what is wrong, with the specification's statement id
     */
    public static MqttTopicFilter parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a topic filter must be at least one character long [MQTT-4.7.3-1]");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("a topic filter must not contain U+0000 [MQTT-4.7.3-2]");
        }
        if (text.startsWith("$share/")) {
            throw new IllegalArgumentException(
                    "'" + text + "' is a shared subscription, not a topic filter to match topics against");
        }
        String[] levels = text.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.indexOf('#') >= 0 && (!level.equals(MULTI_LEVEL) || i != levels.length - 1)) {
                throw new IllegalArgumentException(
                        "'#' must occupy a whole level and be the last one in '" + text + "' [MQTT-4.7.1-1]");
            }
            if (level.indexOf('+') >= 0 && !level.equals(SINGLE_LEVEL)) {
                throw new IllegalArgumentException("'+' must occupy a whole level in '" + text + "' [MQTT-4.7.1-2]");
            }
        }
        return new MqttTopicFilter(text, levels);
    }

    /** The filter as written. */
    public String text() {
        return text;
    }

    /** The levels of the filter, wildcards included. */
    public List<String> levels() {
        return List.of(levels);
    }

    public boolean hasWildcards() {
        for (String level : levels) {
            if (level.equals(SINGLE_LEVEL) || level.equals(MULTI_LEVEL)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the topic name matches. A topic starting with {@code $} ({@code $SYS/...}) is not matched by a
     * filter starting with a wildcard [MQTT-4.7.2-1]; {@code a/#} also matches {@code a} [MQTT-4.7.1-2].
     */
    public boolean matches(String topic) {
        if (leadingWildcard && topic.startsWith("$")) {
            return false;
        }
        int start = 0; // start of the current topic level
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals(MULTI_LEVEL)) {
                return true;
            }
            if (start > topic.length()) {
                return false; // the topic has fewer levels than the filter
            }
            int end = topic.indexOf('/', start);
            if (end < 0) {
                end = topic.length();
            }
            if (!level.equals(SINGLE_LEVEL) && (level.length() != end - start || !topic.startsWith(level, start))) {
                return false;
            }
            start = end + 1;
        }
        return start > topic.length(); // every topic level consumed
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MqttTopicFilter that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
