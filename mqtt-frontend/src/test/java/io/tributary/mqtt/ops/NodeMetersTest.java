/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.LimitKind;
import io.tributary.mqtt.metrics.ListenerKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus page of a node's registry, without Kafka: names, labels, units and the off switch. */
class NodeMetersTest {

    @Test
    void theBrokersMetersAreExportedWithPrometheusNamesAndTheNodeLabel() {
        try (NodeMeters meters = NodeMeters.create(true, "n1")) {
            BrokerMetrics m = meters.broker();
            m.publishReceived(1, 100);
            m.publishSent(0, 40);
            m.clientConnected(ListenerKind.WS, 5);
            m.kafkaAcknowledged(System.nanoTime() - 2_000_000, false);
            m.limitHit(LimitKind.CONNECT_RATE);

            String page = meters.scrape(meters.contentType(null));
            Map<String, Double> samples = OpsHttp.samples(page);
            assertThat(samples)
                    .containsEntry("tributary_messages_received_total{node=\"n1\",qos=\"1\"}", 1.0)
                    .containsEntry("tributary_bytes_received_total{node=\"n1\"}", 100.0)
                    .containsEntry("tributary_messages_sent_total{node=\"n1\",qos=\"0\"}", 1.0)
                    .containsEntry("tributary_connections{listener=\"ws\",node=\"n1\",protocol=\"5\"}", 1.0)
                    .containsEntry("tributary_limit_hits_total{limit=\"connect_rate\",node=\"n1\"}", 1.0)
                    .containsEntry("tributary_publish_kafka_ack_seconds_count{node=\"n1\"}", 1.0)
                    .containsEntry("tributary_publish_kafka_ack_seconds_bucket{node=\"n1\",le=\"0.001\"}", 0.0)
                    .containsEntry("tributary_publish_kafka_ack_seconds_bucket{node=\"n1\",le=\"0.005\"}", 1.0);
            assertThat(page)
                    .contains("# HELP tributary_messages_received_total PUBLISH packets accepted from clients")
                    .contains("# TYPE tributary_publish_kafka_ack_seconds histogram")
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_threads_live_threads{")
                    .contains("jvm_classes_loaded_classes{")
                    .contains("netty_allocator_memory_used{");
            assertThat(OpsHttp.has(samples, "jvm_gc_memory_allocated_bytes_total"))
                    .isTrue();
        }
    }

    @Test
    void openMetricsWhenAsked() {
        try (NodeMeters meters = NodeMeters.create(true, "n1")) {
            String type = meters.contentType("application/openmetrics-text; version=1.0.0,text/plain;q=0.5");
            assertThat(type).startsWith("application/openmetrics-text");
            assertThat(meters.scrape(type)).endsWith("# EOF\n");
        }
    }

    @Test
    void disabledMetricsServeAnEmptyPage() {
        try (NodeMeters meters = NodeMeters.create(false, "n1")) {
            meters.broker().publishReceived(1, 100);
            assertThat(meters.scrape(meters.contentType(null))).isBlank();
            assertThat(meters.broker().getPublishesIn()).isZero();
        }
    }
}
