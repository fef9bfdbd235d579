/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import org.jspecify.annotations.Nullable;

/**
 * The header names of the record contract (docs/kafka-layout.md). Headers starting with {@link #PREFIX}
 * carry MQTT metadata; every other header is an MQTT 5 user property. Renaming anything here breaks every
 * record already in Kafka and every application reading them.
 */
public final class MqttHeaders {

    /** Every metadata header starts with this; user properties that do too are escaped (see below). */
    public static final String PREFIX = "mqtt.";

    /** The MQTT topic, present when the record key is not the topic (a mapping rule chose another key). */
    public static final String TOPIC = "mqtt.topic";

    public static final String QOS = "mqtt.qos";
    public static final String RETAIN = "mqtt.retain";
    /** Client identifier of the publisher (MQTT 5 No Local compares against it). */
    public static final String CLIENT = "mqtt.client";

    public static final String PAYLOAD_FORMAT = "mqtt.payload.format";
    public static final String CONTENT_TYPE = "mqtt.content.type";
    /** Absolute message-expiry deadline, decimal ms since the epoch. */
    public static final String EXPIRY = "mqtt.expiry";

    public static final String RESPONSE_TOPIC = "mqtt.response.topic";
    /** Raw bytes, not text. */
    public static final String CORRELATION_DATA = "mqtt.correlation.data";

    /** A user property whose own name starts with {@link #PREFIX} is carried under this prefix. */
    public static final String USER_ESCAPE = "mqtt.user.";

    /** A record from a plain Kafka producer carries no QoS; it is treated as at-least-once. */
    public static final int DEFAULT_QOS = 1;

    private MqttHeaders() {}

    /** The header key that carries a user property of this name. */
    public static String userPropertyHeader(String propertyName) {
        return propertyName.startsWith(PREFIX) ? USER_ESCAPE + propertyName : propertyName;
    }

    /** The user property a header carries, or null when the header is MQTT metadata. */
    public static @Nullable String userPropertyName(String headerKey) {
        if (!headerKey.startsWith(PREFIX)) {
            return headerKey;
        }
        return headerKey.startsWith(USER_ESCAPE) ? headerKey.substring(USER_ESCAPE.length()) : null;
    }
}
