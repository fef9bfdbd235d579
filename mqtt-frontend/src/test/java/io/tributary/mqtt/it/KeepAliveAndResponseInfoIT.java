/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.record.MqttHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT 5 CONNECT / CONNACK negotiation beyond the basics: Server Keep Alive, Response Information and
 * request / response through Kafka, and Request Problem Information.
 */
class KeepAliveAndResponseInfoIT {

    static final int MAX_KEEP_ALIVE = 2;

    // mqtt.keep.alive.max.seconds = 2, everything else default
    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.withSettings(Map.of(BrokerConfig.KEEP_ALIVE_MAX_CONFIG, MAX_KEEP_ALIVE));

    static final String messagesTopic =
            broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();

    static Mqtt5BlockingClient hive(String id) {
        return com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
    }

    // ---- Server Keep Alive --------------------------------------------------------------------------------

    @Test
    void aKeepAliveAboveTheMaximumIsLoweredAndTheClientFollowsIt() throws Exception {
        Mqtt5BlockingClient client = hive("ka-hive");
        Mqtt5ConnAck ack = client.connectWith().keepAlive(60).send();
        // [MQTT-3.2.2-21]: the client must use the Server Keep Alive of the CONNACK instead of its own.
        assertThat(ack.getServerKeepAlive()).hasValue(MAX_KEEP_ALIVE);
        // MQTT 3.1.1 has no Server Keep Alive: its clients keep their own keep alive (not capped silently).
        try (RawMqttClient v3 = RawPackets.connected(
                broker.mqttPort(),
                MqttVersion.MQTT_3_1_1,
                RawPackets.connect(MqttVersion.MQTT_3_1_1, "ka-v3", true, 60))) {
            // Well past 1.5 x the maximum: HiveMQ's client pinged at the server's pace, the 3.1.1 client was let be.
            await().during(Duration.ofMillis(MAX_KEEP_ALIVE * 2000L))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> client.getState().isConnected());
            v3.send(new io.netty.handler.codec.mqtt.MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(
                    MqttMessageType.PINGREQ, false, io.netty.handler.codec.mqtt.MqttQoS.AT_MOST_ONCE, false, 0)));
            assertThat(RawPackets.nextType(v3, RawPackets.READ_TIMEOUT)).isEqualTo(MqttMessageType.PINGRESP);
        }
        client.disconnect();
    }

    // ---- Response Information and request / response ------------------------------------------------------

    @Test
    void responseInformationOnlyWhenRequested() throws Exception {
        MqttClient asks = new MqttClient(TestBroker.uri(broker.node()), "ri-asks", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setRequestResponseInfo(true);
        IMqttToken token = asks.connectWithResult(o);
        assertThat(token.getResponseProperties().getResponseInfo()).isEqualTo("reply/ri-asks");
        asks.disconnect();

        // [MQTT-3.1.2-28]: Request Response Information 0 (here explicit) means no Response Information.
        MqttClient quiet = new MqttClient(TestBroker.uri(broker.node()), "ri-quiet", new MemoryPersistence());
        MqttConnectionOptions q = new MqttConnectionOptions();
        q.setRequestResponseInfo(false);
        assertThat(quiet.connectWithResult(q).getResponseProperties().getResponseInfo())
                .isNull();
        quiet.disconnect();
    }

    @Test
    void responseTopicAndCorrelationDataTravelFromRequesterThroughKafkaToResponderAndBack() {
        List<Mqtt5Publish> replies = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient requester = hive("rr-requester");
        Mqtt5ConnAck ack = requester
                .connectWith()
                .restrictions()
                .requestResponseInformation(true)
                .applyRestrictions()
                .send();
        String replyPrefix = ack.getResponseInformation().orElseThrow().toString();
        requester
                .toAsync()
                .subscribeWith()
                .topicFilter(replyPrefix + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(replies::add)
                .send()
                .join();

        Mqtt5BlockingClient responder = hive("rr-responder");
        responder.connect();
        responder
                .toAsync()
                .subscribeWith()
                .topicFilter("svc/echo")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(request -> responder
                        .toAsync()
                        .publishWith()
                        .topic(request.getResponseTopic().orElseThrow())
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .correlationData(request.getCorrelationData().orElseThrow())
                        .payload(("echo:" + new String(request.getPayloadAsBytes(), StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8))
                        .send())
                .send()
                .join();

        requester
                .publishWith()
                .topic("svc/echo")
                .qos(MqttQos.AT_LEAST_ONCE)
                .responseTopic(replyPrefix + "/echo")
                .correlationData("req-42".getBytes(StandardCharsets.UTF_8))
                .payload("ping".getBytes(StandardCharsets.UTF_8))
                .send();

        await().atMost(Duration.ofSeconds(15)).until(() -> !replies.isEmpty());
        Mqtt5Publish reply = replies.get(0);
        assertThat(reply.getTopic().toString()).isEqualTo("reply/rr-requester/echo");
        assertThat(new String(reply.getPayloadAsBytes(), StandardCharsets.UTF_8))
                .isEqualTo("echo:ping");
        assertThat(reply.getCorrelationData().map(KeepAliveAndResponseInfoIT::utf8))
                .hasValue("req-42");
        // In Kafka, the request's record carries both as headers for any consumer to answer.
        ConsumerRecord<byte[], byte[]> request = broker.kafka().readAll(messagesTopic).stream()
                .filter(r -> utf8(ByteBuffer.wrap(r.key())).equals("svc/echo"))
                .findFirst()
                .orElseThrow();
        assertThat(utf8(ByteBuffer.wrap(
                        request.headers().lastHeader(MqttHeaders.RESPONSE_TOPIC).value())))
                .isEqualTo("reply/rr-requester/echo");
        assertThat(utf8(ByteBuffer.wrap(request.headers()
                        .lastHeader(MqttHeaders.CORRELATION_DATA)
                        .value())))
                .isEqualTo("req-42");
        requester.disconnect();
        responder.disconnect();
    }

    // ---- Request Problem Information ----------------------------------------------------------------------

    @Test
    void noReasonStringOnAFailedPubackWhenProblemInformationIsNotWanted() throws Exception {
        // A messages topic that takes only small records: a larger PUBLISH fails in Kafka, PUBACK 0x80.
        var settings = TestBroker.isolatedSettings();
        String smallTopic = settings.get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(smallTopic, 1, (short) 1)
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2000"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (BrokerNode small = TestBroker.start(broker.kafka(), settings)) {
            // Default (Request Problem Information absent = 1): the failure is explained.
            assertThat(failedPuback(small, "pi-default", true).getReasonString())
                    .isPresent();
            // [MQTT-3.1.2-29]: with 0, no Reason String on anything but PUBLISH, CONNACK and DISCONNECT.
            Mqtt5PubAck quiet = failedPuback(small, "pi-none", false);
            assertThat(quiet.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.UNSPECIFIED_ERROR);
            assertThat(quiet.getReasonString()).isEmpty();
            assertThat(quiet.getUserProperties().asList()).isEmpty();
        }
    }

    private static Mqtt5PubAck failedPuback(BrokerNode node, String clientId, boolean problemInformation) {
        Mqtt5BlockingClient client = com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        client.connectWith()
                .restrictions()
                .requestProblemInformation(problemInformation)
                .applyRestrictions()
                .send();
        try {
            client.toAsync()
                    .publishWith()
                    .topic("big/" + clientId)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(new byte[10_000])
                    .send()
                    .get(60, TimeUnit.SECONDS);
            throw new AssertionError("the PUBLISH succeeded");
        } catch (ExecutionException e) {
            // HiveMQ's client fails the publish with the PUBACK that carried the error code.
            assertThat(e.getCause()).isInstanceOf(Mqtt5PubAckException.class);
            Mqtt5PubAck ack = ((Mqtt5PubAckException) e.getCause()).getMqttMessage();
            assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.UNSPECIFIED_ERROR);
            return ack;
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no PUBACK", e);
        } finally {
            client.disconnect();
        }
    }

    private static String utf8(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
}
