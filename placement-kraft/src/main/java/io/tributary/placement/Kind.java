/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The kinds of entity the placement topic holds; the kind is the first segment of a record key. */
public enum Kind {
    /** A broker node: its listeners and when it started. */
    NODE(Entity.Node.class),
    /** A dynamic configuration entry. */
    CONFIG(Entity.Config.class),
    /** An MQTT topic filter → Kafka topic mapping rule. */
    MAPPING(Entity.Mapping.class),
    /** A user and its salted SCRAM-SHA-256 credential. */
    USER(Entity.User.class),
    /** An access control rule. */
    ACL(Entity.Acl.class),
    /** A schema of the registry bound to an MQTT topic filter: payloads are validated (and encoded) by it. */
    SCHEMA(Entity.Schema.class);

    private final Class<? extends Entity> type;

    Kind(Class<? extends Entity> type) {
        this.type = type;
    }

    /** The key segment, e.g. {@code mapping}. */
    public String segment() {
        return name().toLowerCase(Locale.ROOT);
    }

    Class<? extends Entity> type() {
        return type;
    }

    public static @Nullable Kind ofSegment(String segment) {
        for (Kind k : values()) {
            if (k.segment().equals(segment)) {
                return k;
            }
        }
        return null;
    }
}
