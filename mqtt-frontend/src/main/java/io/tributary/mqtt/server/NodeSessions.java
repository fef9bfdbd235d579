/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ExactlyOnceSettings;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.kafka.NodeLiveness;
import io.tributary.mqtt.kafka.TransactionalWriter;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.protocol.SessionHandler;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionStore;
import io.tributary.mqtt.session.SoleNodeClaims;
import io.tributary.mqtt.session.WillPublisher;
import io.tributary.mqtt.wire.ReasonCodes;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's sessions across the cluster: the registry with its wills and checkpoints, take-over of sessions
 * other nodes hold, and the node's liveness, by which the others adopt its sessions and wills when it dies.
 */
final class NodeSessions {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSessions.class);

    private final BrokerConfig config;
    private final SessionStore store;
    private final WillPublisher wills;
    private final SessionRegistry registry;
    private @Nullable NodeLiveness liveness;

    private NodeSessions(BrokerConfig config, SessionStore store, WillPublisher wills, SessionRegistry registry) {
        this.config = config;
        this.store = store;
        this.wills = wills;
        this.registry = registry;
    }

    /** The registry, its checkpoints and take-over; records of other nodes reach it once the store follows. */
    static NodeSessions start(
            BrokerConfig config,
            SessionStore store,
            SubscriberRegistry subscribers,
            NodeReaders readers,
            IngestService ingest,
            ScheduledExecutorService timer,
            BrokerMetrics metrics,
            Clock clock) {
        WillPublisher wills = new WillPublisher(ingest, timer, store, clock);
        wills.adoptOwn(store.all(), config.nodeId()); // wills pending (or connections open) when this node stopped
        SessionRegistry registry = new SessionRegistry(
                store,
                subscribers,
                readers.live(),
                readers.catchUp(),
                wills,
                config.nodeId(),
                config.getInt(BrokerConfig.SESSION_QUEUE_CONFIG),
                config.getInt(BrokerConfig.SESSION_INFLIGHT_CONFIG),
                metrics.subscriberDrops(),
                clock);
        int checkpointMs = config.getInt(BrokerConfig.SESSION_CHECKPOINT_CONFIG);
        timer.scheduleWithFixedDelay(registry::checkpoint, checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
        registry.configureTakeover(
                config.getInt(BrokerConfig.SESSION_TAKEOVER_TIMEOUT_CONFIG),
                s -> SessionHandler.close(s, ReasonCodes.SESSION_TAKEN_OVER, "session taken over by another node"));
        store.onForeignRecord(registry::foreignRecord);
        store.onForeignDelete(registry::foreignDelete);
        return new NodeSessions(config, store, wills, registry);
    }

    /**
     * Joins the cluster's liveness group; call before the listener opens: a node is a member before it holds
     * any session. A dead node's sessions taken over here have their wills published here.
     */
    void joinCluster(Map<String, Object> clientProps, Admin admin, String sessionsTopic, int sessionPartitions) {
        liveness = new NodeLiveness(
                clientProps,
                admin,
                store,
                sessionsTopic,
                sessionPartitions,
                config.nodeId(),
                config.getInt(BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG));
        liveness.onSessionTakenOver(wills::adopt);
        SoleNodeClaims sole = registry.soleNodeClaims();
        long livenessTimeoutMs = config.getInt(BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG);
        sole.expectMembership(livenessTimeoutMs); // claims wait for the first join (a sole node decides them alone)
        liveness.onMembership(new NodeLiveness.Membership() {
            @Override
            public void rebalancing() {
                sole.rebalancing(livenessTimeoutMs);
            }

            @Override
            public void members(@Nullable Set<String> alive) {
                sole.members(alive);
            }
        });
        if (config.getBoolean(ExactlyOnceSettings.ENABLED_CONFIG)) {
            Map<String, Object> producerProps = KafkaClientSettings.producer(config, clientProps);
            long timeoutMs = config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG);
            liveness.onNodeTakenOver(dead -> TransactionalWriter.fence(
                    producerProps, TransactionalWriter.transactionalId(config, dead), timeoutMs));
        }
        liveness.start();
    }

    SessionRegistry registry() {
        return registry;
    }

    /** Disconnects every client (MQTT 5: 0x8B) and stores its session, then leaves the liveness group. */
    void close() {
        registry.closeAll(
                s -> SessionHandler.close(s, ReasonCodes.SERVER_SHUTTING_DOWN, "server shutting down"),
                Duration.ofSeconds(10));
        if (liveness != null) {
            try {
                liveness.close();
            } catch (RuntimeException e) {
                LOG.debug("close failed", e); // the node stops anyway; the group drops it when its session ends
            }
        }
    }

    /** Stays in the liveness group until its heartbeats are missed, as a killed process would. */
    void crash() {
        if (liveness != null) {
            liveness.crash();
        }
    }
}
