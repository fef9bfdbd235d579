/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.placement.Placement;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.registry.RegistryClients;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.schema.SchemaBindings;

/**
 * The schema bindings of the cluster metadata on this node (docs/schemas.md): followed live, their subjects read
 * from the registry before clients connect (a registry that is down does not stop the start: its topics' PUBLISHes
 * are refused until it answers), and the shard readers' records decoded for subscribers where a binding asks.
 */
final class NodeSchemas {

    private NodeSchemas() {}

    static SchemaBindings follow(BrokerConfig config, Placement placement, TopicRouter router, BrokerMetrics metrics) {
        SchemaBindings schemas = new SchemaBindings(
                RegistryClients.fromConfig(config),
                config.getInt(SchemaRegistrySettings.REFRESH_CONFIG),
                config.getInt(SchemaRegistrySettings.RETRY_CONFIG));
        placement.store().addListener(schemas);
        schemas.apply(placement.store().image());
        schemas.loadAll();
        router.forSubscribers(schemas::forSubscribers); // before the readers start
        metrics.countSchemaRefusals(schemas::invalidPayloads, schemas::unavailableSchemas);
        return schemas;
    }

    /** Wills the node publishes are encoded as their topic's binding says, like PUBLISHes. */
    static void encodeWills(SchemaBindings schemas, IngestService ingest) {
        ingest.encodeBrokerPublished(schemas::willRecordValue);
    }
}
