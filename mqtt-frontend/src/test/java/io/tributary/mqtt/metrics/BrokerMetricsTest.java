/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BrokerMetrics metrics = BrokerMetrics.create(registry);

    private LatencyHistogram histogram(String name) {
        return metrics.latencyHistograms().stream()
                .filter(h -> h.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    /** A function counter's value: the message and byte counts are adders the registry reads when scraped. */
    private double counted(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void messagesAreCountedByQosWithTheirBytes() {
        metrics.publishReceived(0, 10);
        metrics.publishReceived(1, 20);
        metrics.publishReceived(1, 30);
        metrics.publishSent(2, 5);

        assertThat(counted("tributary.messages.received", "qos", "0")).isEqualTo(1);
        assertThat(counted("tributary.messages.received", "qos", "1")).isEqualTo(2);
        assertThat(counted("tributary.messages.received", "qos", "2")).isZero();
        assertThat(counted("tributary.bytes.received")).isEqualTo(60);
        assertThat(counted("tributary.messages.sent", "qos", "2")).isEqualTo(1);
        assertThat(counted("tributary.bytes.sent")).isEqualTo(5);
        assertThat(metrics.getPublishesIn()).isEqualTo(3);
        assertThat(metrics.getBytesIn()).isEqualTo(60);
        assertThat(metrics.getMessagesOut()).isEqualTo(1);
    }

    @Test
    void connectionsAreAGaugeByListenerAndProtocol() {
        metrics.clientConnected(ListenerKind.MQTT, 4);
        metrics.clientConnected(ListenerKind.WSS, 5);
        metrics.clientConnected(ListenerKind.WSS, 5);
        metrics.clientDisconnected(ListenerKind.WSS, 5);

        assertThat(registry.get("tributary.connections")
                        .tags("listener", "mqtt", "protocol", "3.1.1")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("tributary.connections")
                        .tags("listener", "wss", "protocol", "5")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("tributary.connections").gauges()).hasSize(12);
        assertThat(metrics.getConnections()).isEqualTo(2);
    }

    @Test
    void kafkaAcknowledgementsAreTimedAndFailuresCounted() {
        long start = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(3);
        metrics.kafkaAcknowledged(start, false);
        metrics.kafkaAcknowledged(start, true);

        LatencyHistogram ack = histogram("tributary_publish_kafka_ack_seconds");
        assertThat(ack.count()).isEqualTo(2);
        assertThat(ack.sumSeconds()).isGreaterThanOrEqualTo(0.006);
        assertThat(counter("tributary.kafka.publish.failures")).isEqualTo(1);
        assertThat(metrics.getKafkaPublishFailures()).isEqualTo(1);
    }

    @Test
    void deliveryLatencyIsMeasuredFromTheRecordTimestamp() {
        metrics.dispatched(System.currentTimeMillis() - 250);
        metrics.dispatched(System.currentTimeMillis() + 60_000); // a producer's clock ahead: counted as 0, not < 0

        LatencyHistogram delivery = histogram("tributary_delivery_latency_seconds");
        assertThat(delivery.count()).isEqualTo(2);
        assertThat(delivery.sumSeconds()).isBetween(0.25, 5.0);
    }

    @Test
    void refusalsAreCountedByTheirLabel() {
        metrics.aclDenied(AclAction.PUBLISH);
        metrics.aclDenied(AclAction.WILL);
        metrics.authFailed((byte) 0x86);
        metrics.authFailed((byte) 0x8C);
        metrics.authFailed((byte) 0x99);
        metrics.authFailed(AuthFailure.REAUTHENTICATION);
        metrics.limitHit(LimitKind.PACKET_SIZE);
        metrics.limitHit(LimitKind.PACKET_SIZE);
        metrics.limitHit(LimitKind.MAX_CONNECTIONS);

        assertThat(counter("tributary.acl.denials", "action", "publish")).isEqualTo(1);
        assertThat(counter("tributary.acl.denials", "action", "will")).isEqualTo(1);
        assertThat(counter("tributary.auth.failures", "reason", "bad_credentials"))
                .isEqualTo(1);
        assertThat(counter("tributary.auth.failures", "reason", "bad_method")).isEqualTo(1);
        assertThat(counter("tributary.auth.failures", "reason", "other")).isEqualTo(1);
        assertThat(counter("tributary.auth.failures", "reason", "reauthentication"))
                .isEqualTo(1);
        assertThat(counter("tributary.limit.hits", "limit", "packet_size")).isEqualTo(2);
        assertThat(metrics.getAclDenials()).isEqualTo(2);
        assertThat(metrics.getAuthFailures()).isEqualTo(4);
        assertThat(metrics.getPacketsTooLarge()).isEqualTo(2);
        assertThat(metrics.getConnectionsRefused()).isEqualTo(1);
    }

    @Test
    void readersAndQueuesAreCounted() {
        metrics.catchUpStarted();
        metrics.catchUpStarted();
        metrics.catchUpFinished();
        metrics.sharedDelivered();
        metrics.sharedReleased();
        metrics.subscriberDrops().addAndGet(7);
        metrics.recordsWithoutTopic().incrementAndGet();

        assertThat(counter("tributary.catchup.started")).isEqualTo(2);
        assertThat(registry.get("tributary.catchup.readers").gauge().value()).isEqualTo(1);
        assertThat(counter("tributary.shared.deliveries")).isEqualTo(1);
        assertThat(counter("tributary.shared.releases")).isEqualTo(1);
        assertThat(registry.get("tributary.subscriber.dropped")
                        .functionCounter()
                        .count())
                .isEqualTo(7);
        assertThat(registry.get("tributary.records.without.topic")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void everyMeterIsRegisteredOnceAtCreationAndNoneOnTheMessagePath() {
        int atCreation = registry.getMeters().size();
        for (int i = 0; i < 1000; i++) {
            metrics.publishReceived(i % 3, 100);
            metrics.publishSent(i % 3, 100);
            metrics.kafkaAcknowledged(System.nanoTime(), false);
            metrics.dispatched(System.currentTimeMillis());
        }
        assertThat(registry.getMeters()).hasSize(atCreation);
        assertThat(registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName))
                .allMatch(name -> name.startsWith("tributary."));
    }

    @Test
    void disabledMetricsRecordNothingButConnectionAdmissionStillCounts() {
        BrokerMetrics off = BrokerMetrics.disabled();
        off.publishReceived(1, 100);
        off.kafkaAcknowledged(System.nanoTime(), true);
        off.openConnections().incrementAndGet();

        assertThat(off.registry().getMeters()).isEmpty();
        assertThat(off.latencyHistograms()).isEmpty();
        assertThat(off.getPublishesIn()).isZero();
        assertThat(off.getKafkaPublishFailures()).isZero();
        // mqtt.max.connections is enforced on this count: it may not be a no-op.
        assertThat(off.getOpenConnections()).isEqualTo(1);
    }
}
