/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.time.Duration;

/**
 * Where and how the load tool connects: one broker node, one protocol version, and the Session Expiry Interval of
 * the sessions (0: they end with the connection; above 0: persistent, so QoS 2 takes the node's exactly-once path).
 */
public record MqttTarget(String host, int port, int mqttVersion, Duration connectTimeout, long sessionExpirySeconds) {

    public MqttTarget(String host, int port, int mqttVersion, Duration connectTimeout) {
        this(host, port, mqttVersion, connectTimeout, 0);
    }

    public MqttTarget {
        if (mqttVersion != 3 && mqttVersion != 5) {
            throw new IllegalArgumentException("--mqtt-version must be 3 or 5, got " + mqttVersion);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public String address() {
        return host + ":" + port;
    }
}
