/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

/** The listener a connection came in on: the {@code listener} label. */
public enum ListenerKind {
    MQTT,
    MQTTS,
    WS,
    WSS;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
