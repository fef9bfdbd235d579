/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.publish.TopicRates;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.sys.ClusterStats;
import io.tributary.placement.PlacementImage;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * What the web console reads from a running node: the same objects the metrics, the probes, the admin API and
 * the $SYS tree read, so that the console computes nothing of its own beyond rates between two polls.
 *
 * @param mqttListeners the URLs of the node's MQTT listeners (a {@code ws://} one lets the page tail a topic)
 * @param placement the cluster metadata as this node follows it (the registered nodes)
 * @param subscribers and {@code liveShards}: where the HTTP tail subscribes, as a session would
 */
public record ConsoleSources(
        String nodeId,
        BrokerMetrics metrics,
        MeterRegistry registry,
        HealthChecks health,
        ClusterStats cluster,
        Supplier<PlacementImage> placement,
        SessionRegistry sessions,
        SubscriberRegistry subscribers,
        Supplier<List<TopicPartition>> liveShards,
        Supplier<List<SessionState>> storedSessions,
        TopicRates topics,
        List<String> mqttListeners,
        LongSupplier clockMillis) {}
