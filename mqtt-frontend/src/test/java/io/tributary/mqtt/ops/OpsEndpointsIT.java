/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import static io.tributary.mqtt.ops.OpsHttp.has;
import static io.tributary.mqtt.ops.OpsHttp.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ops listener of running nodes: a scrape under load shows every family with the counts that were sent, the
 * Grafana dashboard queries only names that exist, and the probes flip on a graceful stop and a Kafka outage.
 * One Kafka for the class; the outage comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsEndpointsIT {

    private static final int MESSAGES = 300;
    private static final int PAYLOAD = 100;

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    private static MqttAsyncClient v3(String id) throws Exception {
        MqttAsyncClient c =
                new MqttAsyncClient("tcp://127.0.0.1:" + broker.node().mqttPort(), id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    @Test
    @Order(1)
    void servesTheProbesAndMoreRoutes() {
        BrokerNode node = broker.node();
        OpsHttp.Probe live = OpsHttp.probe(node.opsPort(), "/health/live");
        assertThat(live.status()).isEqualTo(200);
        OpsHttp.Probe ready = OpsHttp.ready(node);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().get("status").asText()).isEqualTo("UP");
        assertThat(ready.body().get("checks").fieldNames())
                .toIterable()
                .containsExactly("shutdown", "kafka", "placement", "listeners");

        node.ops().route("/console/hello", ex -> OpsHttpServer.reply(ex, 200, "text/plain", "hello"));
        assertThat(OpsHttp.get(node.opsPort(), "/console/hello").body()).isEqualTo("hello");
        assertThat(OpsHttp.get(node.opsPort(), "/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> metrics = OpsHttp.get(node.opsPort(), "/metrics");
        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    }

    @Test
    @Order(2)
    void aScrapeUnderLoadShowsEveryFamilyWithTheCountsThatWereSent() throws Exception {
        BrokerNode node = broker.node();
        Map<String, Double> before = OpsHttp.samples(OpsHttp.scrape(node));
        AtomicInteger qos0 = new AtomicInteger();
        AtomicInteger qos1 = new AtomicInteger();
        AtomicInteger shared = new AtomicInteger();
        MqttAsyncClient sub = v3("ops-sub");
        sub.subscribe("load/#", 1, (t, m) -> (m.getQos() == 0 ? qos0 : qos1).incrementAndGet())
                .waitForCompletion(10_000);
        MqttAsyncClient member = v3("ops-shared");
        // Paho 3 routes a message to a subscription's listener by matching its topic against the filter, which
        // a $share/ filter never matches: the member counts in the client's callback instead.
        member.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                shared.incrementAndGet();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        member.subscribe("$share/ops/shared/#", 1).waitForCompletion(10_000);
        MqttClient v5 = new MqttClient(
                "tcp://127.0.0.1:" + node.mqttPort(),
                "ops-v5",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        v5.connect(new MqttConnectionOptions());
        MqttAsyncClient pub = v3("ops-pub");

        byte[] payload = new byte[PAYLOAD];
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            tokens.add(pub.publish("load/a", payload, 0, false));
            tokens.add(pub.publish("load/b", payload, 1, false));
        }
        tokens.add(pub.publish("retained/x", new byte[] {'r'}, 1, true));
        for (IMqttDeliveryToken t : tokens) {
            t.waitForCompletion(30_000);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> qos1.get() >= MESSAGES && qos0.get() >= MESSAGES);
        // The share group's first assignment takes a moment: publish until its member has three.
        AtomicInteger sharedSent = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    pub.publish("shared/x", new byte[] {'s'}, 1, false).waitForCompletion(10_000);
                    sharedSent.incrementAndGet();
                    return shared.get() >= 3;
                });
        MqttAsyncClient deep = v3("ops-deep"); // mqtt.max.topic.levels is 32: the node disconnects it
        deep.publish("a/".repeat(40) + "b", new byte[] {1}, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !deep.isConnected());
        deep.close(true);

        int sharedGot = shared.get(); // the node counted each before sending it
        Map<String, Double> after = OpsHttp.samples(OpsHttp.scrape(node));
        Delta d = new Delta(before, after);
        assertThat(d.of("tributary_messages_received_total", "qos=\"0\"")).isEqualTo(MESSAGES);
        int sharedPublished = sharedSent.get();
        assertThat(d.of("tributary_messages_received_total", "qos=\"1\"")).isEqualTo(MESSAGES + 1 + sharedPublished);
        assertThat(d.of("tributary_bytes_received_total")).isEqualTo(2 * MESSAGES * PAYLOAD + 1 + sharedPublished);
        assertThat(d.of("tributary_messages_sent_total", "qos=\"0\"")).isEqualTo(qos0.get());
        assertThat(d.of("tributary_messages_sent_total", "qos=\"1\""))
                .isBetween(MESSAGES + (double) sharedGot, MESSAGES + sharedPublished + 10.0);
        assertThat(d.of("tributary_bytes_sent_total")).isGreaterThanOrEqualTo(2 * MESSAGES * PAYLOAD);
        assertThat(d.of("tributary_publish_kafka_ack_seconds_count")).isEqualTo(2 * MESSAGES + 1 + sharedPublished);
        assertThat(sum(after, "tributary_publish_kafka_ack_seconds_bucket", "le=\"+Inf\""))
                .isEqualTo(sum(after, "tributary_publish_kafka_ack_seconds_count"));
        assertThat(d.of("tributary_delivery_latency_seconds_count")).isGreaterThanOrEqualTo(2 * MESSAGES);
        assertThat(d.of("tributary_limit_hits_total", "limit=\"topic_size\"")).isEqualTo(1);
        assertThat(d.of("tributary_shared_deliveries_total")).isGreaterThanOrEqualTo(sharedGot);
        assertThat(d.of("tributary_kafka_publish_failures_total")).isZero();

        assertThat(sum(after, "tributary_connections", "listener=\"mqtt\"", "protocol=\"3.1.1\""))
                .isEqualTo(3);
        assertThat(sum(after, "tributary_connections", "protocol=\"5\"")).isEqualTo(1);
        assertThat(sum(after, "tributary_sessions", "state=\"connected\"")).isEqualTo(4);
        assertThat(sum(after, "tributary_retained_messages")).isGreaterThanOrEqualTo(1);
        assertThat(after.keySet().stream().filter(k -> k.startsWith("tributary_kafka_lag{")))
                .hasSize(3)
                .allMatch(k -> k.contains("topic=\"" + broker.settings().get("kafka.topic.messages") + "\""));
        assertThat(sum(after, "kafka_producer_record_send_total")).isGreaterThanOrEqualTo(2 * MESSAGES);
        for (String family : List.of(
                "tributary_sessions",
                "tributary_connections_open",
                "tributary_subscriber_queue_messages",
                "tributary_subscriber_queue_max",
                "tributary_subscriber_dropped_total",
                "tributary_catchup_readers",
                "tributary_catchup_started_total",
                "tributary_shared_releases_total",
                "tributary_acl_denials_total",
                "tributary_auth_failures_total",
                "tributary_protocol_errors_total",
                "kafka_consumer_fetch_manager_records_consumed_total",
                "kafka_admin_client_request_total",
                "jvm_memory_used_bytes",
                "jvm_threads_live_threads",
                "jvm_classes_loaded_classes",
                "netty_allocator_memory_used")) {
            assertThat(has(after, family)).as(family).isTrue();
        }
        assertThat(sum(after, "tributary_subscriber_queue_messages")).isGreaterThanOrEqualTo(0);
        // The share group's consumer, which Micrometer's Kafka binder cannot take, is scraped by ShareConsumerMetrics.
        assertThat(after.keySet()).anyMatch(k -> k.startsWith("kafka_share_") && k.contains("role=\"share-group\""));
        assertThat(sum(after, "kafka_share_fetch_manager_records_consumed_total", "role=\"share-group\""))
                .as("records the share consumer fetched, from its own metrics")
                .isGreaterThanOrEqualTo(3);
        pub.disconnect().waitForCompletion(5_000);
        sub.disconnect().waitForCompletion(5_000);
        member.disconnect().waitForCompletion(5_000);
        v5.disconnect();
    }

    /** What the counters of a scrape added since an earlier one. */
    private record Delta(Map<String, Double> before, Map<String, Double> after) {
        double of(String name, String... labels) {
            return sum(after, name, labels) - sum(before, name, labels);
        }
    }

    @Test
    @Order(3)
    void everyMetricTheGrafanaDashboardQueriesExists() throws Exception {
        System.gc(); // the GC pause meters appear with the first collection
        await().atMost(Duration.ofSeconds(10))
                .until(() -> has(OpsHttp.samples(OpsHttp.scrape(broker.node())), "jvm_gc_pause_seconds_count"));
        assertThat(DashboardQueries.missingFrom(OpsHttp.scrape(broker.node()))).isEmpty();
        assertThat(DashboardQueries.metricNames()).hasSizeGreaterThan(20);
    }

    @Test
    @Order(4)
    void noneTurnsTheListenerOff() {
        Map<String, Object> settings =
                TestBroker.with(TestBroker.isolatedSettings(), OpsSettings.OPS_HTTP_LISTENER_CONFIG, OpsSettings.OFF);
        BrokerNode off = broker.startNode(settings);
        try {
            assertThat(off.opsPort()).isEqualTo(-1);
            assertThat(off.ops()).isNull();
            assertThat(off.ready()).isTrue();
        } finally {
            off.close();
        }
    }

    @Test
    @Order(5)
    void aGracefulStopTurnsReadyFalseWhileTheListenersStillServe() throws Exception {
        Map<String, Object> settings =
                TestBroker.with(TestBroker.isolatedSettings(), OpsSettings.SHUTDOWN_DRAIN_CONFIG, 4000);
        BrokerNode node = broker.startNode(settings);
        int ops = node.opsPort();
        assertThat(OpsHttp.ready(node).status()).isEqualTo(200);
        Thread stop = new Thread(node::close, "graceful-stop");
        stop.start();
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            OpsHttp.Probe ready = OpsHttp.probe(ops, "/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body().get("failing").toString()).isEqualTo("[\"shutdown\"]");
        });
        // Not ready, and still taking clients: a load balancer has the drain time to move them elsewhere.
        assertThat(OpsHttp.probe(ops, "/health/live").status()).isEqualTo(200);
        MqttAsyncClient late =
                new MqttAsyncClient("tcp://127.0.0.1:" + node.mqttPort(), "late", new MemoryPersistence());
        late.connect().waitForCompletion(3_000);
        assertThat(late.isConnected()).isTrue();
        stop.join(30_000);
        assertThat(stop.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !late.isConnected());
        late.close(true);
        assertThatThrownBy(() -> OpsHttp.get(ops, "/health/live")).hasMessageContaining("GET /health/live failed");
    }

    @Test
    @Order(6)
    void aKafkaOutageTurnsReadyFalseWithOneLogLineEachWay() throws Exception {
        BrokerNode node = broker.node();
        try (LogCapture log = LogCapture.of(KafkaReachability.class)) {
            broker.kafka().stopBroker();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                OpsHttp.Probe ready = OpsHttp.ready(node);
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.body().get("failing").toString()).isEqualTo("[\"kafka\"]");
                assertThat(ready.body().at("/checks/kafka/reason").asText()).startsWith("unreachable for ");
            });
            assertThat(OpsHttp.probe(node.opsPort(), "/health/live").status()).isEqualTo(200);
            assertThat(OpsHttp.scrape(node)).contains("tributary_connections");

            broker.kafka().startBroker();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> OpsHttp.ready(node).status() == 200);
            assertThat(log.lines())
                    .filteredOn(l -> l.contains("is unreachable"))
                    .hasSize(1);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).hasSizeLessThanOrEqualTo(3);
            assertThat(log.lines())
                    .filteredOn(l -> l.contains("is reachable again after"))
                    .singleElement()
                    .asString()
                    .startsWith("INFO");
        }
    }
}
