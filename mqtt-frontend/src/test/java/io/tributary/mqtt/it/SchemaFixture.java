/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** What the schema-binding ITs share: bindings over the admin API, MQTT 5 clients, the registry's REST API. */
final class SchemaFixture {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    private SchemaFixture() {}

    static HttpResponse<String> putBinding(BrokerNode node, String name, String json) throws Exception {
        return HTTP.send(
                TestBroker.adminRequest(node, "/v1/schemas/" + name)
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the node has read the binding's schema: a valid payload passes. */
    static void awaitBound(BrokerNode node, String topic, String validPayload) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> node.schemaBindings()
                        .check(topic, validPayload.getBytes(StandardCharsets.UTF_8))
                        .accepted());
    }

    static Mqtt5BlockingClient v5(BrokerNode node, String id) {
        Mqtt5BlockingClient c = com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        c.connect();
        return c;
    }

    /** A QoS 1 PUBLISH; the PUBACK's reason code and reason string ("" when none). */
    static Object[] publish(Mqtt5BlockingClient client, String topic, String payload) throws Exception {
        try {
            client.toAsync()
                    .publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8))
                    .send()
                    .get(30, TimeUnit.SECONDS);
            return new Object[] {ReasonCodes.SUCCESS, ""};
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(Mqtt5PubAckException.class);
            Mqtt5PubAck ack = ((Mqtt5PubAckException) e.getCause()).getMqttMessage();
            return new Object[] {
                (byte) ack.getReasonCode().getCode(),
                ack.getReasonString().map(Object::toString).orElse("")
            };
        }
    }

    /** The schema text for an id, straight from the registry's REST API, as a registry-aware consumer fetches it. */
    static String fetchSchemaById(String registryUrl, int id) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).get("schema").asText();
    }
}
