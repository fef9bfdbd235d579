/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.server.TributaryCommand;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster metadata (placement-kraft) on live nodes: nodes register, a mapping rule written through one
 * node's admin API or the CLI takes effect on every node without a restart, clients can be kicked.
 */
class PlacementIT {

    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.withNodes(List.of("node-a", "node-b"), Map.of(BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0"));

    static BrokerNode nodeA;
    static BrokerNode nodeB;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() {
        nodeA = broker.node(0);
        nodeB = broker.node(1);
    }

    static String prefix() {
        return broker.settings()
                .get(BrokerConfig.MESSAGES_TOPIC_CONFIG)
                .toString()
                .replace("messages", "");
    }

    static HttpResponse<String> http(BrokerNode node, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = TestBroker.adminRequest(node, path);
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Mqtt5BlockingClient v5(BrokerNode node, String id) {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        c.connect();
        return c;
    }

    static int cli(StringWriter out, String... args) {
        String[] full = new String[args.length + 9];
        full[0] = "admin";
        full[1] = "--kafka-bootstrap";
        full[2] = broker.bootstrapServers();
        full[3] = "--placement-topic";
        full[4] = broker.settings().get(BrokerConfig.PLACEMENT_TOPIC_CONFIG).toString();
        full[5] = "--sessions-topic";
        full[6] = broker.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString();
        full[7] = "--token-file";
        full[8] = TestBroker.ADMIN_TOKEN_FILE.toString();
        System.arraycopy(args, 0, full, 9, args.length);
        return TributaryCommand.run(full, new PrintWriter(out, true), new PrintWriter(out, true));
    }

    @Test
    void everyNodeRegistersItselfWithItsListeners() {
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        nodeA.placementImage().nodes().keySet().containsAll(java.util.List.of("node-a", "node-b")));
        assertThat(nodeA.placementImage().nodes().get("node-b").listeners())
                .contains("mqtt://127.0.0.1:" + nodeB.mqttPort(), "http://127.0.0.1:" + nodeB.adminPort());
        // The release is the build's Maven version (TributaryVersionTest ties it to the POM), not a placeholder.
        assertThat(nodeA.placementImage().nodes().get("node-b").release())
                .isEqualTo(io.tributary.mqtt.config.TributaryVersion.current());
        // Liveness is the nodes' Kafka group: both are members once they have joined.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StringWriter out = new StringWriter();
            assertThat(cli(out, "nodes")).isZero();
            assertThat(out.toString().lines())
                    .anyMatch(l -> l.matches("node-a +yes .*"))
                    .anyMatch(l -> l.matches("node-b +yes .*"));
        });
    }

    @Test
    void aMappingRuleWrittenOnOneNodeRoutesPublishesOnAnotherWithoutARestart() throws Exception {
        String topic = prefix() + "sensors" + SEQ.incrementAndGet();
        HttpResponse<String> put = http(
                nodeA,
                "PUT",
                "/v1/mappings/sensors-" + SEQ.get(),
                "{\"filter\":\"sensors" + SEQ.get() + "/#\",\"kafkaTopic\":\"" + topic + "\",\"key\":\"{2}\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).contains("\"version\" : 1");

        Mqtt5BlockingClient publisher = v5(nodeB, "mapping-pub");
        try {
            // Node B applies the rule within seconds: publish until a record lands in the new topic.
            String mqttTopic = "sensors" + SEQ.get() + "/room7/temp";
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        publisher
                                .publishWith()
                                .topic(mqttTopic)
                                .qos(MqttQos.AT_LEAST_ONCE)
                                .payload("21.5".getBytes(StandardCharsets.UTF_8))
                                .send();
                        return broker.kafka().readAll(topic).stream()
                                .anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals("room7"));
                    });
        } finally {
            publisher.disconnect();
        }
    }

    @Test
    void recordsOfANewlyMappedTopicReachSubscribersOnEveryNode() throws Exception {
        int n = SEQ.incrementAndGet();
        String topic = prefix() + "plain" + n;
        StringWriter out = new StringWriter();
        assertThat(cli(
                        out,
                        "mapping",
                        "put",
                        "plain-" + n,
                        "--filter",
                        "plain" + n + "/+/events",
                        "--kafka-topic",
                        topic,
                        "--key",
                        "{2}",
                        "--mqtt-topic",
                        "plain" + n + "/{key}/events"))
                .as(out.toString())
                .isZero();

        AtomicReference<String> got = new AtomicReference<>();
        Mqtt5BlockingClient subscriber = v5(nodeA, "plain-sub-" + n);
        try {
            subscriber
                    .toAsync()
                    .subscribeWith()
                    .topicFilter("plain" + n + "/+/events")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> got.set(p.getTopic().toString()))
                    .send()
                    .join();
            Map<String, Object> props = new HashMap<>();
            props.put("bootstrap.servers", broker.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    props,
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.StringSerializer())) {
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> {
                            producer.send(new ProducerRecord<>(topic, "pump-3", "on"))
                                    .get();
                            return got.get() != null;
                        });
            }
            assertThat(got.get()).isEqualTo("plain" + n + "/pump-3/events");
        } finally {
            subscriber.disconnect();
        }
        out = new StringWriter();
        assertThat(cli(out, "mapping", "list")).isZero();
        assertThat(out.toString()).contains("plain-" + n);
    }

    @Test
    void invalidMetadataIsRefusedWithTheReasonAndNothingIsWritten() throws Exception {
        HttpResponse<String> internal = http(
                nodeA,
                "PUT",
                "/v1/mappings/bad",
                "{\"filter\":\"x/#\",\"kafkaTopic\":\"" + broker.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG)
                        + "\"}");
        assertThat(internal.statusCode()).isEqualTo(400);
        assertThat(internal.body()).contains("internal topic");

        StringWriter out = new StringWriter();
        assertThat(cli(out, "mapping", "put", "bad", "--filter", "a/#/b", "--kafka-topic", "t"))
                .isNotZero();
        assertThat(out.toString()).contains("invalid");

        assertThat(http(nodeA, "PUT", "/v1/configs/no.such.setting", "{\"value\":\"1\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(http(nodeA, "PUT", "/v1/configs/mqtt.max.topic.levels", "{\"value\":\"abc\"}")
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> staticKey = http(nodeA, "PUT", "/v1/configs/mqtt.port", "{\"value\":\"1884\"}");
        assertThat(staticKey.statusCode()).isEqualTo(400);
        assertThat(staticKey.body()).contains("not a dynamic setting");
        assertThat(nodeA.placementImage().mappings()).doesNotContainKey("bad");
        assertThat(http(nodeA, "GET", "/v1/widgets", null).statusCode()).isEqualTo(404);
    }

    @Test
    void usersAreStoredAsSaltedCredentialsAndNeverShown() throws Exception {
        HttpResponse<String> put = http(nodeB, "PUT", "/v1/users/alice", "{\"password\":\"s3cret\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).doesNotContain("s3cret").doesNotContain("storedKey");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodeA.placementImage().users().containsKey("alice"));
        var stored = nodeA.placementImage().users().get("alice");
        assertThat(stored.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(stored.iterations()).isGreaterThanOrEqualTo(4096);
        assertThat(http(nodeA, "GET", "/v1/users", null).body())
                .contains("alice")
                .doesNotContain("serverKey");
        assertThat(http(nodeA, "DELETE", "/v1/users/alice", null).statusCode()).isEqualTo(200);
        assertThat(http(nodeA, "DELETE", "/v1/users/alice", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aUserWrittenToTheMetadataCanLogInOnEveryNodeUntilDeleted() throws Exception {
        assertThat(http(nodeA, "PUT", "/v1/users/carol", "{\"password\":\"tulip\"}")
                        .statusCode())
                .isEqualTo(200);
        // Node B learns the user from the placement topic; CONNECT user name + password is then checked.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Mqtt5BlockingClient c = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("carol-1")
                    .serverHost("127.0.0.1")
                    .serverPort(nodeB.mqttPort())
                    .buildBlocking();
            c.connectWith()
                    .simpleAuth()
                    .username("carol")
                    .password("tulip".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .send();
            c.disconnect();
        });
        Mqtt5BlockingClient wrong = MqttClient.builder()
                .useMqttVersion5()
                .identifier("carol-2")
                .serverHost("127.0.0.1")
                .serverPort(nodeB.mqttPort())
                .buildBlocking();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrong.connectWith()
                        .simpleAuth()
                        .username("carol")
                        .password("rose".getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth()
                        .send())
                .isInstanceOf(com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException.class)
                .hasMessageContaining("BAD_USER_NAME_OR_PASSWORD");
        assertThat(http(nodeA, "DELETE", "/v1/users/carol", null).statusCode()).isEqualTo(200);
    }

    /** The SUBACK reason codes of subscribing to two filters on a fresh connection to {@code node}. */
    static java.util.List<com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode> subscribeTwo(
            BrokerNode node) {
        Mqtt5BlockingClient c = v5(node, "dyn-limits-probe");
        try {
            return c.subscribeWith()
                    .addSubscription()
                    .topicFilter("dyn/a")
                    .applySubscription()
                    .addSubscription()
                    .topicFilter("dyn/b")
                    .applySubscription()
                    .send()
                    .getReasonCodes();
        } catch (com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes();
        } finally {
            c.disconnect();
        }
    }

    @Test
    void aDynamicSettingAppliesOnEveryNodeWithoutARestartAndDeletingItRestoresTheNodesOwn() {
        StringWriter out = new StringWriter();
        assertThat(cli(out, "config", "put", "mqtt.max.subscriptions.per.client", "1"))
                .as(out.toString())
                .isZero();
        // Node B applies the entry within a second; the limits are read once per connection.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(subscribeTwo(nodeB).get(1))
                        .isEqualTo(
                                com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode
                                        .QUOTA_EXCEEDED));
        assertThat(cli(out, "config", "delete", "mqtt.max.subscriptions.per.client"))
                .isZero();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(subscribeTwo(nodeB).get(1).isError()).isFalse());
    }

    @Test
    void storedSessionsOfTheClusterAreListedByAnyNode() throws Exception {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier("listed-session")
                .serverHost("127.0.0.1")
                .serverPort(nodeA.mqttPort())
                .buildBlocking();
        c.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        c.subscribeWith().topicFilter("listed/#").send();
        try {
            // Node B knows the session node A stored (every node follows the sessions topic).
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(
                                    http(nodeB, "GET", "/v1/sessions", null).body())
                            .contains("\"clientId\" : \"listed-session\"")
                            .contains("\"owner\" : \"node-a\"")
                            .contains("listed/#"));
            StringWriter out = new StringWriter();
            assertThat(cli(out, "sessions")).as(out.toString()).isZero();
            assertThat(out.toString()).contains("listed-session");
        } finally {
            c.disconnect();
        }
    }

    @Test
    void anAdministratorCanKickAClientFromWhicheverNodeItIsOn() {
        var disconnected = new java.util.concurrent.CompletableFuture<Throwable>();
        // The HiveMQ client reports the server's DISCONNECT as the cause of the lost connection.
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("to-kick")
                .serverHost("127.0.0.1")
                .serverPort(nodeB.mqttPort())
                .addDisconnectedListener(ctx -> disconnected.complete(ctx.getCause()))
                .buildBlocking();
        client.connect();
        StringWriter out = new StringWriter();
        assertThat(cli(out, "kick", "to-kick")).as(out.toString()).isZero();
        Throwable t = disconnected
                .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .join();
        assertThat(t).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) t).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.ADMINISTRATIVE_ACTION);
        out = new StringWriter();
        assertThat(cli(out, "kick", "nobody-here")).isNotZero();
        assertThat(out.toString()).contains("not connected");
    }

    @Test
    void aNodeThatStopsRemovesItsRecord() {
        BrokerNode nodeC = TestBroker.start(
                broker.kafka(), TestBroker.with(broker.settings(), BrokerConfig.NODE_ID_CONFIG, "node-c"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodeA.placementImage().nodes().containsKey("node-c"));
        nodeC.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !nodeA.placementImage().nodes().containsKey("node-c"));
    }
}
