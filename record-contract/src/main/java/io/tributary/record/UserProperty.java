/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import java.util.Objects;

/** One MQTT 5 user property; order and duplicates are significant, so these live in a list. */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
