/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import java.util.Locale;

/** What a schema binding does to the payloads published to its topics. */
public enum BindingMode {
    /** Nothing at PUBLISH; the binding may still decode registry-encoded records for subscribers. */
    OFF,
    /** A payload that does not match the schema is refused; one that matches goes to Kafka as it came. */
    VALIDATE,
    /** As VALIDATE, and the payload goes to Kafka in the registry's wire format (schema id prefix, body). */
    VALIDATE_AND_ENCODE;

    public static BindingMode parse(String text) {
        for (BindingMode m : values()) {
            if (m.text().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown schema mode '" + text + "': validate, validate-and-encode or off");
    }

    /** As written in a binding: {@code validate-and-encode}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
