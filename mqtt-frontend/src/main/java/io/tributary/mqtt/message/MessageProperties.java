/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.message;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT 5 properties a PUBLISH carries end to end (and into Kafka headers).
 *
 * @param payloadUtf8      true when the publisher declared the payload UTF-8 text (payload format indicator 1)
 * @param expiresAtMillis  absolute deadline in ms since the epoch, or 0 when the message never expires
 * @param userProperties   name/value pairs in order, duplicates allowed
 */
public record MessageProperties(
        boolean payloadUtf8,
        @Nullable String contentType,
        long expiresAtMillis,
        @Nullable String responseTopic,
        byte @Nullable [] correlationData,
        List<UserProperty> userProperties) {

    public static final MessageProperties NONE = new MessageProperties(false, null, 0, null, null, List.of());

    public record UserProperty(String name, String value) {}

    public boolean isExpired(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    public boolean isEmpty() {
        return !payloadUtf8
                && contentType == null
                && expiresAtMillis == 0
                && responseTopic == null
                && correlationData == null
                && userProperties.isEmpty();
    }
}
