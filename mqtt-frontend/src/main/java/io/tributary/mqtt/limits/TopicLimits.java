/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.limits;

import io.tributary.mqtt.topic.TopicName;
import org.jspecify.annotations.Nullable;

/**
 * Configured bounds on PUBLISH topic names and subscription filters (mqtt.max.topic.levels,
 * mqtt.max.topic.length). They come on top of the specification's own rules ({@code TopicName},
 * {@code TopicFilter}), which are checked first.
 *
 * @param maxLevels most '/'-separated levels
 * @param maxLength most characters
 */
public record TopicLimits(int maxLevels, int maxLength) {

    /** No configured bounds: the 65,535-byte string limit and the node's own level bound ({@code TopicName}). */
    public static final TopicLimits NONE = new TopicLimits(TopicName.MAX_LEVELS, Integer.MAX_VALUE);

    /** Why the topic name or filter exceeds a limit, or null when it is within them. */
    public @Nullable String exceeded(String topicOrFilter) {
        if (topicOrFilter.length() > maxLength) {
            return "topic longer than " + maxLength + " characters (mqtt.max.topic.length)";
        }
        int levels = 1;
        for (int i = 0; i < topicOrFilter.length(); i++) {
            if (topicOrFilter.charAt(i) == '/' && ++levels > maxLevels) {
                return "topic with more than " + maxLevels + " levels (mqtt.max.topic.levels)";
            }
        }
        return null;
    }
}
