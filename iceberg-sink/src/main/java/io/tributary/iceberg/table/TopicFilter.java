/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

/**
 * An MQTT topic filter to match topic names against. Stand-in until {@code io.tributary.record.MqttTopicFilter}
 * lands in record-contract: same {@code parse}/{@code matches}/{@code text}, so swapping it is a rename.
 */
final class TopicFilter {
    private final String text;
    private final String[] levels;

    private TopicFilter(String text, String[] levels) {
        this.text = text;
        this.levels = levels;
    }

    /** @throws IllegalArgumentException saying what is wrong with the filter */
    static TopicFilter parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a topic filter must not be empty [MQTT-4.7.3-1]");
        }
        String[] levels = text.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException(
                        "'#' must be a whole level and the last one in '" + text + "' [MQTT-4.7.1-1]");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException("'+' must be a whole level in '" + text + "' [MQTT-4.7.1-2]");
            }
        }
        return new TopicFilter(text, levels);
    }

    String text() {
        return text;
    }

    /** A filter starting with a wildcard does not match topics starting with '$' [MQTT-4.7.2-1]. */
    boolean matches(String topic) {
        if ((levels[0].equals("+") || levels[0].equals("#")) && topic.startsWith("$")) {
            return false;
        }
        String[] topicLevels = topic.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("#")) {
                return true; // 'a/#' also matches 'a' [MQTT-4.7.1-2]
            }
            if (i >= topicLevels.length || (!levels[i].equals("+") && !levels[i].equals(topicLevels[i]))) {
                return false;
            }
        }
        return levels.length == topicLevels.length;
    }

    @Override
    public String toString() {
        return text;
    }
}
