/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * The settings of the ops HTTP listener (Prometheus {@code /metrics}, {@code /health/live}, {@code /health/ready})
 * and of the metrics themselves, one constant quartet per setting as in {@link BrokerConfig}. They sit in the
 * Monitoring group of the generated reference, after {@code sys.interval.ms}.
 */
public final class OpsSettings {

    private OpsSettings() {}

    public static final String OPS_HTTP_LISTENER_CONFIG = "ops.http.listener";
    public static final String OPS_HTTP_LISTENER_DOC = "Address (host:port) of the ops HTTP listener: Prometheus "
            + "metrics on /metrics, the probes /health/live and /health/ready (see docs/operations.md); none turns "
            + "it off, port 0 picks a free port. It has no authentication: keep it on a management address.";
    public static final String OPS_HTTP_LISTENER_DEFAULT = "127.0.0.1:9464";
    /** The value that turns the ops listener off. */
    public static final String OFF = "none";

    public static final String SHUTDOWN_DRAIN_CONFIG = "ops.shutdown.drain.ms";
    public static final String SHUTDOWN_DRAIN_DOC = "On a graceful stop, how long /health/ready answers 503 while the "
            + "node still serves, before its listeners close and its clients are disconnected: time for a load "
            + "balancer that polls the probe to stop sending new connections. 0 stops at once.";
    public static final int SHUTDOWN_DRAIN_DEFAULT = 0;

    public static final String METRICS_ENABLED_CONFIG = "metrics.enabled";
    public static final String METRICS_ENABLED_DOC = "Record the node's metrics (connections, messages, latencies, "
            + "Kafka clients, JVM). false turns every meter into a no-op: /metrics serves an empty page and the JMX "
            + "counters stay at 0; the probes still answer. For measuring what the metrics cost.";
    public static final boolean METRICS_ENABLED_DEFAULT = true;

    /** A host and port to listen on. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Defines this group's keys after the Monitoring group's own. */
    static void define(BrokerConfigDef.Grouped monitoring) {
        monitoring.define(
                OPS_HTTP_LISTENER_CONFIG,
                Type.STRING,
                OPS_HTTP_LISTENER_DEFAULT,
                listenerAddress(),
                Importance.MEDIUM,
                OPS_HTTP_LISTENER_DOC);
        monitoring.define(
                SHUTDOWN_DRAIN_CONFIG,
                Type.INT,
                SHUTDOWN_DRAIN_DEFAULT,
                ConfigDef.Range.between(0, 600_000),
                Importance.LOW,
                SHUTDOWN_DRAIN_DOC);
        monitoring.define(
                METRICS_ENABLED_CONFIG,
                Type.BOOLEAN,
                METRICS_ENABLED_DEFAULT,
                null,
                Importance.LOW,
                METRICS_ENABLED_DOC);
    }

    /** The ops listener's address, or null when it is off. */
    public static @Nullable HostPort opsListener(BrokerConfig config) {
        return parse(OPS_HTTP_LISTENER_CONFIG, config.getString(OPS_HTTP_LISTENER_CONFIG));
    }

    public static boolean metricsEnabled(BrokerConfig config) {
        return config.getBoolean(METRICS_ENABLED_CONFIG);
    }

    /** {@code none}, {@code host:port} or {@code [ipv6]:port}; null for none. */
    static @Nullable HostPort parse(String name, String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase(OFF)) {
            return null;
        }
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new ConfigException(name, value, "must be host:port or " + OFF);
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(name, value, "the port must be a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(name, value, "the port must be in 0..65535");
        }
        return new HostPort(host, port);
    }

    private static ConfigDef.Validator listenerAddress() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                parse(name, String.valueOf(value));
            }

            @Override
            public String toString() {
                return "host:port, or " + OFF; // shown in the generated reference
            }
        };
    }
}
