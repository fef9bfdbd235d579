/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.mqtt.kafka.NodeLiveness;
import io.tributary.placement.PlacementAdmin;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementStore;
import io.tributary.placement.PlacementWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

/**
 * The admin CLI's handle on a cluster: opens only the Kafka clients a command needs, when it first needs them. A
 * listing reads the metadata topic to its end once and stops; only a write starts a producer (and waits to read its
 * own write back); only {@code nodes} asks Kafka for the nodes' group. Each client costs a few hundred
 * milliseconds of a command that should answer in about a second.
 */
final class MetadataConnection implements AutoCloseable {

    private final Map<String, Object> clientProps;
    private final String placementTopic;
    private final String sessionsTopic;
    private final Set<String> internalTopics;
    private final Duration timeout;
    private @Nullable PlacementStore store;
    private @Nullable PlacementWriter writer;
    private @Nullable AdminService service;
    private @Nullable Admin kafkaAdmin;

    MetadataConnection(
            Map<String, Object> clientProps,
            String placementTopic,
            String sessionsTopic,
            Set<String> internalTopics,
            Duration timeout) {
        this.clientProps = Map.copyOf(clientProps);
        this.placementTopic = placementTopic;
        this.sessionsTopic = sessionsTopic;
        this.internalTopics = internalTopics;
        this.timeout = timeout;
    }

    /** The cluster metadata, read to the end the topic has now. */
    PlacementImage image() {
        return store().image();
    }

    /** Validated, versioned writes that return once they are read back; opens a producer on first use. */
    AdminService service() {
        if (service == null) {
            PlacementStore s = store();
            writer = new PlacementWriter(clientProps, placementTopic, "tributary-admin-cli");
            service = new AdminService(
                    new PlacementAdmin(s, writer, new AdminService.Validation(internalTopics), timeout),
                    this::liveNodes);
        }
        return service;
    }

    /** The ids of the nodes in the cluster's membership group now. */
    Set<String> liveNodes() {
        if (kafkaAdmin == null) {
            kafkaAdmin = Admin.create(clientProps);
        }
        return NodeLiveness.liveNodes(kafkaAdmin, sessionsTopic);
    }

    private PlacementStore store() {
        if (store == null) {
            PlacementStore s = new PlacementStore(clientProps, placementTopic, "admin-cli");
            store = s;
            try {
                s.start().awaitReady(timeout);
            } catch (IllegalStateException e) {
                String where = "the cluster metadata (topic " + placementTopic + ") from Kafka at "
                        + clientProps.get("bootstrap.servers");
                throw new IllegalStateException(
                        e.getCause() instanceof java.util.concurrent.TimeoutException
                                ? "cannot read " + where + " within " + timeout.toSeconds()
                                        + " s: is --kafka-bootstrap right, and Kafka up?"
                                : "cannot read " + where + ": " + e.getMessage(),
                        e);
            }
        }
        return store;
    }

    @Override
    public void close() {
        if (kafkaAdmin != null) {
            kafkaAdmin.close(Duration.ofSeconds(2));
        }
        if (writer != null) {
            writer.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
