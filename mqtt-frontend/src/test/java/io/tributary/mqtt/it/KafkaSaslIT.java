/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.server.TributaryCommand;
import io.tributary.mqtt.testing.KafkaTestCluster;
import io.tributary.mqtt.testing.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka security passed through: a Kafka whose only client listener wants SASL (SCRAM-SHA-256 here), and a node
 * whose every Kafka client (producer, transactional writer, live and catch-up readers, share consumers, liveness
 * consumer, admin, cluster metadata) logs in with the {@code kafka.}-prefixed settings ({@code kafka.NAME} or
 * {@code kafka.client.NAME}). Wrong credentials fail the start with an error that says so.
 */
class KafkaSaslIT {

    static final String USER = "tributary-node";
    static final String PASSWORD = "node-secret-" + System.nanoTime();

    static KafkaTestCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaTestCluster.startWithSasl();
        try (Admin admin = kafka.admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), PASSWORD)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            // The test Kafka runs an authorizer: the node's user may do anything (a deployment would narrow it).
            AccessControlEntry all =
                    new AccessControlEntry("User:" + USER, "*", AclOperation.ALL, AclPermissionType.ALLOW);
            admin.createAcls(Stream.of(
                                    new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL),
                                    new ResourcePattern(ResourceType.GROUP, "*", PatternType.LITERAL),
                                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "*", PatternType.LITERAL),
                                    new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL))
                            .map(r -> new AclBinding(r, all))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The node's Kafka login in the short form of the pass-through (kafka.NAME; the CLI test uses kafka.client.). */
    static Map<String, Object> scram(String user, String password) {
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.put("kafka.security.protocol", "SASL_PLAINTEXT");
        settings.put("kafka.sasl.mechanism", "SCRAM-SHA-256");
        settings.put(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
        return settings;
    }

    @Test
    void theNodePublishesAndDeliversThroughScram() throws Exception {
        BrokerNode node = TestBroker.start(kafka, scram(USER, PASSWORD));
        try {
            Mqtt5BlockingClient client = MqttClient.builder()
                    .useMqttVersion5()
                    .serverHost("127.0.0.1")
                    .serverPort(node.mqttPort())
                    .buildBlocking();
            client.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes received = client.publishes(MqttGlobalPublishFilter.ALL)) {
                client.subscribeWith()
                        .topicFilter("sasl/echo")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send();
                client.publishWith()
                        .topic("sasl/echo")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("through-scram".getBytes(StandardCharsets.UTF_8))
                        .send();
                Optional<Mqtt5Publish> got = received.receive(20, TimeUnit.SECONDS);
                assertThat(got).isPresent();
                assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("through-scram");
            } finally {
                client.disconnect();
            }
            theOtherKafkaClientsLogInToo(node);
        } finally {
            node.close();
        }
    }

    /**
     * The Kafka clients a plain round trip does not use: a share consumer (a shared subscription), the
     * transactional writer (a QoS 2 PUBLISH) and a catch-up reader (a resumed session's messages from while it was
     * away). Each would fail to log in, and its message never arrive, without the pass-through.
     */
    static void theOtherKafkaClientsLogInToo(BrokerNode node) {
        try (V5Client member = V5Client.connect(node, "sasl-member", true, 0);
                V5Client pub = V5Client.connect(node, "sasl-pub", true, 0)) {
            member.client
                    .subscribeWith()
                    .topicFilter("$share/sasl/sasl/shared")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            pub.publish("sasl/shared", "through-a-share-consumer", 2, false);
            await().atMost(Duration.ofSeconds(30)).until(() -> member.hasPayload("through-a-share-consumer"));

            try (V5Client away = V5Client.connect(node, "sasl-away", false, 300)) {
                away.client
                        .subscribeWith()
                        .topicFilter("sasl/away")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send();
            }
            // A witness on the node receives it live first: the live reader is past it when the session resumes,
            // so the resumed session's messages come from a catch-up reader.
            pub.client
                    .subscribeWith()
                    .topicFilter("sasl/away")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            pub.publish("sasl/away", "through-a-catch-up-reader", 1, false);
            await().atMost(Duration.ofSeconds(30)).until(() -> pub.hasPayload("through-a-catch-up-reader"));
            long catchUps = node.metrics().getCatchUps();
            try (V5Client back = V5Client.connect(node, "sasl-away", false, 300)) {
                assertThat(back.connAck.isSessionPresent()).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> back.hasPayload("through-a-catch-up-reader"));
            }
            assertThat(node.metrics().getCatchUps())
                    .as("catch-up readers started")
                    .isGreaterThan(catchUps);
        }
    }

    @Test
    void wrongCredentialsFailTheStartWithOneLineSayingSo() {
        StringWriter err = new StringWriter();
        long started = System.nanoTime();
        int exit = TributaryCommand.run(
                new String[] {
                    "--kafka-bootstrap", kafka.bootstrapServers(),
                    "--mqtt-port", "0",
                    "--set", "ops.http.listener=none",
                    "--set", "kafka.client.security.protocol=SASL_PLAINTEXT",
                    "--set", "kafka.client.sasl.mechanism=SCRAM-SHA-256",
                    "--set",
                            "kafka.client.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule "
                                    + "required username=\"" + USER + "\" password=\"not-the-password\";"
                },
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip())
                .doesNotContain("\n")
                .startsWith("tributary: Kafka at " + kafka.bootstrapServers() + " refused this node: ")
                .contains("SCRAM-SHA-256")
                .contains("kafka.client.");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void anEmbeddingThatStartsANodeWithWrongCredentialsGetsAnErrorNotAHang() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> TestBroker.start(kafka, scram(USER, "not-the-password")))
                .hasStackTraceContaining("SCRAM-SHA-256");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(90));
    }
}
