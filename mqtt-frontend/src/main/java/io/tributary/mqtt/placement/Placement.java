/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.placement;

import io.tributary.mqtt.admin.AdminService;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.TributaryVersion;
import io.tributary.mqtt.kafka.TopicProvisioner;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementAdmin;
import io.tributary.placement.PlacementKey;
import io.tributary.placement.PlacementStore;
import io.tributary.placement.PlacementTopic;
import io.tributary.placement.PlacementWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's handle on the cluster metadata: the store it reads (to the end before the node serves clients),
 * the writer and admin it uses, and its own node record.
 */
public final class Placement implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);
    /** How long a node waits for the metadata at start, and for its own writes to be applied. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final PlacementStore store;
    private final PlacementWriter writer;
    private final PlacementAdmin admin;
    private String registeredAs;

    private Placement(PlacementStore store, PlacementWriter writer, PlacementAdmin admin) {
        this.store = store;
        this.writer = writer;
        this.admin = admin;
    }

    /** Creates the topic if needed and reads it to the end. */
    public static Placement start(BrokerConfig config, Map<String, Object> clientProps, Admin kafkaAdmin) {
        String topic = config.getString(BrokerConfig.PLACEMENT_TOPIC_CONFIG);
        try {
            PlacementTopic.ensure(kafkaAdmin, topic, config.getShort(BrokerConfig.REPLICATION_FACTOR_CONFIG));
        } catch (IllegalStateException e) {
            // The same failure class as the node's other topics: bin/tributary names it "Kafka topic setup failed".
            throw new TopicProvisioner.TopicSetupException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
        PlacementStore store = new PlacementStore(clientProps, topic, config.nodeId());
        PlacementWriter writer = null;
        try {
            store.start().awaitReady(TIMEOUT);
            writer = new PlacementWriter(clientProps, topic, "tributary-placement-writer-" + config.nodeId());
            PlacementAdmin admin =
                    new PlacementAdmin(store, writer, new AdminService.Validation(config.internalTopics()), TIMEOUT);
            return new Placement(store, writer, admin);
        } catch (RuntimeException e) {
            store.close();
            if (writer != null) {
                writer.close();
            }
            throw e;
        }
    }

    public PlacementStore store() {
        return store;
    }

    public PlacementAdmin admin() {
        return admin;
    }

    /**
     * Writes this node's record: who it is and where other nodes and the admin CLI reach its listeners.
     *
     * @param mqttListeners the URLs of the MQTT listeners that are on, plain TCP ({@code mqtt://}) first, then
     *     {@code mqtts://}, {@code ws://}, {@code wss://}
     * @param adminUrl the admin HTTP API's address ({@code http://host:port} or {@code https://...}), null when off
     */
    public void register(
            String nodeId, List<String> mqttListeners, @org.jspecify.annotations.Nullable String adminUrl) {
        List<String> listeners = new ArrayList<>(mqttListeners);
        if (adminUrl != null) {
            listeners.add(adminUrl); // http://host:port or https://host:port
        }
        admin.put(new Entity.Node(nodeId, 0, listeners, System.currentTimeMillis(), TributaryVersion.current()));
        registeredAs = nodeId;
    }

    /** Deletes this node's record (a graceful stop). */
    public void deregister() {
        if (registeredAs == null) {
            return;
        }
        try {
            admin.delete(new PlacementKey(Kind.NODE, registeredAs));
        } catch (RuntimeException e) {
            LOG.warn("Could not remove node record {}: {}", registeredAs, e.getMessage());
        }
        registeredAs = null;
    }

    @Override
    public void close() {
        store.close();
        writer.close();
    }
}
