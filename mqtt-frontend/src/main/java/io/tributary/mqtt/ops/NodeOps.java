/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import com.sun.net.httpserver.HttpServer;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.metrics.BrokerMetrics;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's operations side, in one place for its wiring: the meters, the ops HTTP listener with its probes, and
 * the watch on Kafka's reachability. The node hands it its own state as the readiness checks.
 */
public final class NodeOps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeOps.class);

    private final String nodeId;
    private final int drainMs;
    private final @Nullable HttpServer bound;
    private final NodeMeters meters;
    private final HealthChecks health = new HealthChecks();
    private volatile @Nullable KafkaReachability kafka;
    private volatile @Nullable OpsHttpServer server;

    private NodeOps(String nodeId, boolean metricsEnabled, int drainMs, @Nullable HttpServer bound) {
        this.nodeId = nodeId;
        this.drainMs = drainMs;
        this.bound = bound;
        this.meters = NodeMeters.create(metricsEnabled, nodeId);
    }

    /** @param bound the ops listener bound at start (a busy port fails early); null when it is off */
    public static NodeOps of(BrokerConfig config, @Nullable HttpServer bound) {
        return new NodeOps(
                config.nodeId(),
                OpsSettings.metricsEnabled(config),
                config.getInt(OpsSettings.SHUTDOWN_DRAIN_CONFIG),
                bound);
    }

    public NodeMeters meters() {
        return meters;
    }

    public BrokerMetrics metrics() {
        return meters.broker();
    }

    /** The readiness checks, as the probes and the web console show them. */
    public HealthChecks health() {
        return health;
    }

    /**
     * Starts the ops listener: its probes answer from now on, not ready until every check passes.
     *
     * @param stopping true from the start of a graceful stop (the {@code shutdown} check)
     * @param metadataLoaded true once the cluster metadata is read ({@code placement})
     * @param listenersOpen true once the MQTT listeners accept clients ({@code listeners})
     */
    public void start(BooleanSupplier stopping, BooleanSupplier metadataLoaded, BooleanSupplier listenersOpen) {
        health.add("shutdown", () -> stopping.getAsBoolean() ? "the node is stopping" : null)
                .add("kafka", () -> {
                    KafkaReachability k = kafka;
                    return k == null ? "not connected yet" : k.failure();
                })
                .add("placement", () -> metadataLoaded.getAsBoolean() ? null : "cluster metadata not loaded yet")
                .add("listeners", () -> listenersOpen.getAsBoolean() ? null : "MQTT listeners not open yet");
        if (bound != null) {
            server = OpsHttpServer.start(bound, meters, health);
        }
    }

    /** Watches Kafka through {@code admin} from now on (the {@code kafka} check and the outage log lines). */
    public void watchKafka(Admin admin, String bootstrap) {
        KafkaReachability k = new KafkaReachability(bootstrap);
        kafka = k;
        k.start(admin);
    }

    /** The ops listener, where more pages can be mounted; null when it is off. */
    public @Nullable OpsHttpServer server() {
        return server;
    }

    public boolean ready() {
        return health.ready();
    }

    /**
     * On a graceful stop, after the {@code shutdown} check failed and before the listeners close: gives a load
     * balancer polling /health/ready {@code ops.shutdown.drain.ms} to stop sending new clients.
     */
    public void drain() {
        if (drainMs <= 0 || server == null) {
            return;
        }
        LOG.info("Node {} not ready (stopping); draining for {} ms before closing its listeners", nodeId, drainMs);
        try {
            Thread.sleep(drainMs); // a deadline, not a wait for a condition: the balancer's polling is not observable
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the watch, the listener (last, so the probes answer through a stop) and the meters. */
    @Override
    public void close() {
        KafkaReachability k = kafka;
        if (k != null) {
            k.close();
        }
        OpsHttpServer s = server;
        if (s != null) {
            s.close();
        } else if (bound != null) {
            bound.stop(0); // bound, never started
        }
        meters.close();
    }
}
