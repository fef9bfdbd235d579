/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.time.Duration;

/**
 * Where and how the load tool connects: one broker node, one protocol version, the Session Expiry Interval of
 * the sessions (0: they end with the connection; above 0: persistent, so QoS 2 takes the node's exactly-once path),
 * and the Receive Maximum an MQTT 5 client announces (0: the client library's default, 65,535).
 */
public record MqttTarget(
        String host,
        int port,
        int mqttVersion,
        Duration connectTimeout,
        long sessionExpirySeconds,
        int receiveMaximum) {

    public MqttTarget(String host, int port, int mqttVersion, Duration connectTimeout) {
        this(host, port, mqttVersion, connectTimeout, 0, 0);
    }

    public MqttTarget(String host, int port, int mqttVersion, Duration connectTimeout, long sessionExpirySeconds) {
        this(host, port, mqttVersion, connectTimeout, sessionExpirySeconds, 0);
    }

    /** The same broker and client settings with another Session Expiry Interval. */
    public MqttTarget withSessionExpiry(long seconds) {
        return new MqttTarget(host, port, mqttVersion, connectTimeout, seconds, receiveMaximum);
    }

    public MqttTarget {
        if (mqttVersion != 3 && mqttVersion != 5) {
            throw new IllegalArgumentException("--mqtt-version must be 3 or 5, got " + mqttVersion);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (receiveMaximum < 0 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException("receive maximum out of range: " + receiveMaximum);
        }
    }

    public String address() {
        return host + ":" + port;
    }
}
