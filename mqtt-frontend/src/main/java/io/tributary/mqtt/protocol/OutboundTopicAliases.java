/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Topic aliases the server assigns on one network connection for the PUBLISH packets it sends (MQTT 5 section
 * 3.3.2.3.4), never more than the client's Topic Alias Maximum [MQTT-3.3.2-11]. When all aliases are taken,
 * the least recently used one is re-bound to the new topic: the PUBLISH that re-binds carries the topic name
 * and the alias, which tells the client to replace the mapping. A new connection starts with a new table
 * [MQTT-3.3.2-7], so re-sent messages after a reconnect carry their topic name again.
 *
 * <p>Event-loop confined. A hit only re-links an existing map entry (no allocation); only a new binding
 * allocates.
 */
public final class OutboundTopicAliases {

    private final int maximum;
    /** Topic to alias, in access order: the first entry is the least recently used. */
    private final LinkedHashMap<String, Integer> aliases;

    public OutboundTopicAliases(int maximum) {
        if (maximum < 1 || maximum > 65535) {
            throw new IllegalArgumentException("topic alias maximum " + maximum + " outside 1..65535");
        }
        this.maximum = maximum;
        this.aliases = new LinkedHashMap<>(Math.min(maximum, 64) * 2, 0.75f, true);
    }

    /** The alias already bound to this topic (marking it recently used), or 0 when there is none. */
    public int existing(String topic) {
        Integer alias = aliases.get(topic);
        return alias == null ? 0 : alias;
    }

    /**
     * Binds a topic that has no alias yet: to the next free alias, or, when all are taken, to the alias of the
     * least recently used topic, which loses it. Returns the alias.
     */
    public int bind(String topic) {
        int alias;
        if (aliases.size() < maximum) {
            alias = aliases.size() + 1; // aliases are never released, so 1..size are exactly the ones in use
        } else {
            Iterator<Map.Entry<String, Integer>> eldest = aliases.entrySet().iterator();
            alias = eldest.next().getValue();
            eldest.remove();
        }
        aliases.put(topic, alias);
        return alias;
    }

    public int size() {
        return aliases.size();
    }
}
