/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.topic;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A validated MQTT topic filter, possibly a shared subscription {@code $share/{group}/{filter}}.
 *
 * @param text       the filter as the client sent it
 * @param shareGroup the share name of a shared subscription, else null
 * @param levels     the levels of the filter proper (after {@code $share/group/})
 */
public record TopicFilter(String text, @Nullable String shareGroup, List<String> levels) {

    public static final String SHARE_PREFIX = "$share/";

    /** Parses and validates a filter; the message of the exception says what is wrong. */
    public static TopicFilter parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a topic filter must be at least one character long [MQTT-4.7.3-1]");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("a topic filter must not contain U+0000 [MQTT-4.7.3-2]");
        }
        String group = null;
        String filter = text;
        if (text.startsWith(SHARE_PREFIX)) {
            int slash = text.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0 || slash == SHARE_PREFIX.length() || slash == text.length() - 1) {
                throw new IllegalArgumentException(
                        "a shared subscription is $share/{ShareName}/{filter} [MQTT-4.8.2-1]");
            }
            group = text.substring(SHARE_PREFIX.length(), slash);
            if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
                throw new IllegalArgumentException("a share name must not contain wildcards [MQTT-4.8.2-2]");
            }
            filter = text.substring(slash + 1);
        }
        List<String> levels = Arrays.asList(filter.split("/", -1));
        for (int i = 0; i < levels.size(); i++) {
            String level = levels.get(i);
            if (level.indexOf('#') >= 0 && (!level.equals("#") || i != levels.size() - 1)) {
                throw new IllegalArgumentException("'#' must occupy a whole level and be the last one [MQTT-4.7.1-1]");
            }
            if (level.indexOf('+') >= 0 && !level.equals("+")) {
                throw new IllegalArgumentException("'+' must occupy a whole level [MQTT-4.7.1-2]");
            }
        }
        return new TopicFilter(text, group, List.copyOf(levels));
    }

    public boolean isShared() {
        return shareGroup != null;
    }

    /**
     * True when some topic name is both one of {@code topics}' (a filter naming the topics of a rule, read level by
     * level; a leading wildcard also names {@code $} topics) and one a subscription to {@code subscription} receives
     * (a leading wildcard does not receive {@code $} topics [MQTT-4.7.2-1]).
     */
    public static boolean overlap(List<String> topics, List<String> subscription) {
        if (!subscription.isEmpty()
                && isWildcard(subscription.get(0))
                && topics.get(0).startsWith("$")) {
            return false;
        }
        int n = subscription.size();
        for (int i = 0; ; i++) {
            boolean topicsEnded = i == topics.size();
            boolean subscriptionEnded = i == n;
            if (topicsEnded || subscriptionEnded) {
                if (topicsEnded && subscriptionEnded) {
                    return true;
                }
                // One is longer by exactly "#", which also names the parent level.
                return topicsEnded
                        ? i == n - 1 && subscription.get(i).equals("#")
                        : i == topics.size() - 1 && topics.get(i).equals("#");
            }
            String mine = topics.get(i);
            String theirs = subscription.get(i);
            if (mine.equals("#") || theirs.equals("#")) {
                return true;
            }
            if (!mine.equals("+") && !theirs.equals("+") && !mine.equals(theirs)) {
                return false;
            }
        }
    }

    private static boolean isWildcard(String level) {
        return level.equals("+") || level.equals("#");
    }

    public boolean hasWildcards() {
        return levels.contains("+") || levels.contains("#");
    }

    /** True when this filter matches the topic name; topics starting with '$' are not matched by a leading wildcard. */
    public boolean matches(String topic) {
        return matches(TopicName.levels(topic));
    }

    public boolean matches(List<String> topicLevels) {
        if (!topicLevels.isEmpty()
                && topicLevels.get(0).startsWith("$")
                && (levels.get(0).equals("+") || levels.get(0).equals("#"))) {
            return false; // [MQTT-4.7.2-1]
        }
        int i = 0;
        for (; i < levels.size(); i++) {
            String level = levels.get(i);
            if (level.equals("#")) {
                return true; // also matches the parent level [MQTT-4.7.1-2]
            }
            if (i >= topicLevels.size()) {
                return false;
            }
            if (!level.equals("+") && !level.equals(topicLevels.get(i))) {
                return false;
            }
        }
        return i == topicLevels.size();
    }
}
