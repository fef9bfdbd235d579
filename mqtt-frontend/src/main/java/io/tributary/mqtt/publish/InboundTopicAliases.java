/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The topic aliases a client has set on one network connection (MQTT 5 section 3.3.2.3.4): alias 1 to the
 * maximum advertised in CONNACK. A new connection starts with a new, empty table [MQTT-3.3.2-7].
 * Event-loop confined. The array grows as aliases are used, so a large maximum costs nothing until used.
 */
public final class InboundTopicAliases {

    private static final String[] NONE = new String[0];

    private final int maximum;
    private @Nullable String[] topics = NONE; // until the first alias is set: most clients never set one

    public InboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    public int maximum() {
        return maximum;
    }

    /** Whether a client may use this alias: 0 is never allowed [MQTT-3.3.2-8], nor above the maximum [MQTT-3.3.2-9]. */
    public boolean isValid(int alias) {
        return alias >= 1 && alias <= maximum;
    }

    /** Sets (or replaces) the topic of a valid alias. */
    public void bind(int alias, String topic) {
        if (!isValid(alias)) {
            throw new IllegalArgumentException("topic alias " + alias + " outside 1.." + maximum);
        }
        if (alias >= topics.length) {
            topics = Arrays.copyOf(topics, Math.min(maximum, Math.max(Math.max(alias, 16), topics.length * 2)) + 1);
        }
        topics[alias] = topic;
    }

    /** The topic a valid alias stands for, or null when the client has not set it on this connection. */
    public @Nullable String topic(int alias) {
        return alias < topics.length ? topics[alias] : null;
    }
}
