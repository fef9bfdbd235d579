/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import org.jspecify.annotations.Nullable;

/**
 * The topic levels of recently seen MQTT topics: devices publish on the same few topics again and again, and
 * splitting each record's topic anew (a string per level) was a tenth of the put thread's time. Direct-mapped by
 * the topic's hash, so it stays small and bounded whatever the number of topics; a miss splits the topic as
 * before ({@link MqttColumns#topicLevels}) and takes the slot. The cached arrays are shared between rows: they
 * and their strings are never changed.
 *
 * <p>One instance per converter: not thread-safe.
 */
final class TopicLevelsCache {
    private static final int SLOTS = 256;

    private final int levels;
    private final @Nullable String[] topics = new String[SLOTS];
    private final @Nullable String[][] split = new String[SLOTS][];

    TopicLevelsCache(int levels) {
        this.levels = levels;
    }

    /** The first {@code levels} levels of {@code topic} (null past its last level); do not modify the array. */
    @Nullable
    String[] levelsOf(String topic) {
        int slot = topic.hashCode() & (SLOTS - 1);
        String cached = topics[slot];
        if (cached != null && cached.equals(topic)) {
            return split[slot];
        }
        @Nullable String[] fresh = MqttColumns.topicLevels(topic, new String[levels]);
        topics[slot] = topic;
        split[slot] = fresh;
        return fresh;
    }
}
