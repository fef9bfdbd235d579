/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.SchemaFixture.awaitBound;
import static io.tributary.mqtt.it.SchemaFixture.fetchSchemaById;
import static io.tributary.mqtt.it.SchemaFixture.publish;
import static io.tributary.mqtt.it.SchemaFixture.v5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.registry.ConfluentRegistryClient;
import io.tributary.mqtt.schema.SchemaFormat;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.server.TributaryCommand;
import io.tributary.mqtt.testing.ApicurioRegistry;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.wire.ReasonCodes;
import io.tributary.registry.WireFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema bindings end to end, against a real Apicurio Registry (Confluent API) and Kafka: PUBLISH refused with
 * 0x99, Avro in the Confluent wire format in Kafka that plain Avro reads with the registry's schema, JSON for
 * MQTT subscribers, records of other producers decoded, and the registry missing at start and going away.
 * Node A reads the registry (and drops invalid MQTT 3.1.1 payloads); node B was given a registry that is down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaRegistryIT {

    @RegisterExtension
    @Order(1)
    static final ApicurioRegistry REGISTRY = new ApicurioRegistry();

    @RegisterExtension
    @Order(2)
    static final BrokerExtension broker = BrokerExtension.kafkaOnly();

    static final String READING = "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":["
            + "{\"name\":\"temp\",\"type\":\"double\"},{\"name\":\"unit\",\"type\":\"string\",\"default\":\"C\"}]}";
    static final String SWITCH = "{\"type\":\"object\",\"properties\":{\"on\":{\"type\":\"boolean\"}},"
            + "\"required\":[\"on\"],\"additionalProperties\":false}";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final AtomicInteger SEQ = new AtomicInteger();

    static BrokerNode nodeA;
    static BrokerNode nodeB;
    static ConfluentRegistryClient registry;

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> a = new HashMap<>(broker.settings());
        a.put(BrokerConfig.NODE_ID_CONFIG, "node-a");
        a.put(BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0");
        a.put(SchemaRegistrySettings.URL_CONFIG, REGISTRY.url());
        a.put(SchemaRegistrySettings.RETRY_CONFIG, "300");
        a.put(SchemaRegistrySettings.TIMEOUT_CONFIG, "20000");
        a.put(SchemaRegistrySettings.INVALID_MQTT311_CONFIG, "drop");
        nodeA = broker.startNode(a);
        Map<String, Object> b = new HashMap<>(broker.settings());
        b.put(BrokerConfig.NODE_ID_CONFIG, "node-b");
        b.put(SchemaRegistrySettings.URL_CONFIG, "http://127.0.0.1:" + ApicurioRegistry.freePort());
        b.put(SchemaRegistrySettings.RETRY_CONFIG, "300");
        nodeB = broker.startNode(b);
        // Generous timeouts: a cold registry on a loaded 2-core machine takes seconds for its first writes.
        registry = new ConfluentRegistryClient(REGISTRY.url(), null, null, Duration.ofSeconds(30));
    }

    static String messagesTopic() {
        return (String) broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG);
    }

    static HttpResponse<String> putBinding(String name, String json) throws Exception {
        return SchemaFixture.putBinding(nodeA, name, json);
    }

    static int cli(StringWriter out, String... args) {
        List<String> full = new java.util.ArrayList<>(List.of(
                "admin",
                "--kafka-bootstrap",
                broker.bootstrapServers(),
                "--placement-topic",
                broker.settings().get(BrokerConfig.PLACEMENT_TOPIC_CONFIG).toString(),
                "--sessions-topic",
                broker.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString()));
        full.addAll(List.of(args));
        return TributaryCommand.run(
                full.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(out, true));
    }

    static List<ConsumerRecord<byte[], byte[]>> records(String key) {
        return broker.kafka().readAll(messagesTopic()).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(key))
                .toList();
    }

    @Test
    @Order(1)
    void anMqtt5PayloadThatDoesNotMatchIsRefusedWith0x99AndNeverReachesKafka() throws Exception {
        int n = SEQ.incrementAndGet();
        String subject = "switches-" + n + "-value";
        registry.register(subject, SchemaFormat.JSON, SWITCH);
        HttpResponse<String> put = putBinding(
                "switches-" + n,
                "{\"filter\":\"switches" + n + "/+/state\",\"subject\":\"" + subject
                        + "\",\"format\":\"json\",\"mode\":\"validate\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String topic = "switches" + n + "/lamp/state";
        awaitBound(nodeA, topic, "{\"on\":true}");

        Mqtt5BlockingClient client = v5(nodeA, "switch-pub-" + n);
        Object[] refused = publish(client, topic + "", "{\"on\":\"yes\"}");
        assertThat(refused[0]).isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        assertThat((String) refused[1]).contains("on").contains("boolean");
        // The connection stays: the next, valid, PUBLISH is written.
        assertThat(publish(client, topic, "{\"on\":false}")[0]).isEqualTo(ReasonCodes.SUCCESS);
        client.disconnect();

        List<ConsumerRecord<byte[], byte[]>> written = records(topic);
        assertThat(written).hasSize(1);
        assertThat(new String(written.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"on\":false}");
    }

    @Test
    @Order(2)
    void validateAndEncodeWritesAvroThatARegistryAwareConsumerReadsWhileSubscribersGetJson() throws Exception {
        int n = SEQ.incrementAndGet();
        String subject = "sensors-" + n + "-telemetry-value";
        int id = registry.register(subject, SchemaFormat.AVRO, READING);
        StringWriter out = new StringWriter();
        int rc = cli(
                out,
                "schema",
                "put",
                "telemetry-" + n,
                "--filter",
                "sensors" + n + "/+/telemetry",
                "--subject",
                subject,
                "--format",
                "avro",
                "--mode",
                "validate-and-encode");
        assertThat(rc).as(out.toString()).isZero();
        String topic = "sensors" + n + "/s1/telemetry";
        awaitBound(nodeA, topic, "{\"temp\":1}");

        Mqtt5BlockingClient subscriber = v5(nodeA, "telemetry-sub-" + n);
        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Mqtt5BlockingClient publisher = v5(nodeA, "telemetry-pub-" + n);
            assertThat(publish(publisher, topic, "{\"temp\": 21.5}")[0]).isEqualTo(ReasonCodes.SUCCESS);
            publisher.disconnect();

            Mqtt5Publish got = received.receive(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"temp\":21.5,\"unit\":\"C\"}");
            assertThat(got.getContentType().map(Object::toString)).contains("application/json");
        } finally {
            subscriber.disconnect();
        }

        // In Kafka: magic byte 0, the registry's id, Avro binary; read with the schema fetched by that id.
        byte[] value = records(topic).get(0).value();
        assertThat(value[0]).isZero();
        int writtenId = ByteBuffer.wrap(value, 1, 4).getInt();
        assertThat(writtenId).isEqualTo(id);
        Schema schema = new Schema.Parser().parse(fetchSchemaById(REGISTRY.url(), writtenId));
        GenericRecord record = new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        assertThat(record.get("temp")).isEqualTo(21.5);
        assertThat(record.get("unit").toString()).isEqualTo("C");
    }

    @Test
    @Order(3)
    void recordsOtherProducersWriteInTheWireFormatAreDecodedForSubscribers() throws Exception {
        int n = SEQ.incrementAndGet();
        String subject = "legacy-" + n + "-value";
        int id = registry.register(subject, SchemaFormat.AVRO, READING);
        assertThat(putBinding(
                                "legacy-" + n,
                                "{\"filter\":\"legacy" + n + "/#\",\"subject\":\"" + subject
                                        + "\",\"format\":\"avro\",\"mode\":\"off\"}")
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodeA.schemaBindings().bindings().stream()
                        .anyMatch(b -> b.name().equals("legacy-" + n)));
        String topic = "legacy" + n + "/boiler";

        Schema schema = new Schema.Parser().parse(READING);
        GenericRecord reading = new GenericData.Record(schema);
        reading.put("temp", 80.25);
        reading.put("unit", "F");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(schema).write(reading, encoder);
        encoder.flush();

        Mqtt5BlockingClient subscriber = v5(nodeA, "legacy-sub-" + n);
        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            try (KafkaProducer<byte[], byte[]> producer = broker.kafka().producer()) {
                producer.send(new ProducerRecord<>(
                                messagesTopic(),
                                topic.getBytes(StandardCharsets.UTF_8),
                                WireFormat.encode(id, body.toByteArray())))
                        .get(30, TimeUnit.SECONDS);
            }
            Mqtt5Publish got = received.receive(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"temp\":80.25,\"unit\":\"F\"}");
            assertThat(got.getContentType().map(Object::toString)).contains("application/json");
        } finally {
            subscriber.disconnect();
        }
    }

    @Test
    @Order(4)
    void anMqtt311PayloadThatDoesNotMatchIsDroppedAndCountedWhenSoConfigured() throws Exception {
        int n = SEQ.incrementAndGet();
        String subject = "meters-" + n + "-value";
        registry.register(subject, SchemaFormat.JSON, SWITCH);
        putBinding(
                "meters-" + n,
                "{\"filter\":\"meters" + n + "/#\",\"subject\":\"" + subject
                        + "\",\"format\":\"json\",\"mode\":\"validate\"}");
        String topic = "meters" + n + "/m1";
        awaitBound(nodeA, topic, "{\"on\":true}");
        long invalidBefore = nodeA.schemaBindings().invalidPayloads();

        try (RawMqttClient client = RawPackets.connected(nodeA.mqttPort(), MqttVersion.MQTT_3_1_1, "meter-" + n)) {
            client.send(RawPackets.publish(topic, "{\"on\":42}", 1, 1));
            assertThat(pubAckOf(client)).isEqualTo(1); // acknowledged as usual, not written
            client.send(RawPackets.publish(topic, "{\"on\":true}", 1, 2));
            assertThat(pubAckOf(client)).isEqualTo(2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records(topic).size() == 1);
        assertThat(new String(records(topic).get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"on\":true}");
        assertThat(nodeA.schemaBindings().invalidPayloads()).isEqualTo(invalidBefore + 1);
    }

    @Test
    @Order(5)
    void aBindingNamingASubjectTheRegistryDoesNotHaveRefusesWithUnspecifiedErrorAndSaysWhy() throws Exception {
        int n = SEQ.incrementAndGet();
        putBinding(
                "missing-" + n,
                "{\"filter\":\"missing" + n + "/#\",\"subject\":\"missing-" + n
                        + "-value\",\"format\":\"json\",\"mode\":\"validate\"}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodeA.schemaBindings().bindings().stream()
                        .anyMatch(b -> b.name().equals("missing-" + n)));
        Mqtt5BlockingClient client = v5(nodeA, "missing-pub-" + n);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Object[] refused = publish(client, "missing" + n + "/x", "{\"on\":true}");
            assertThat(refused[0]).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
            assertThat((String) refused[1]).contains("missing-" + n + "-value").contains("404");
        });
        client.disconnect();
        assertThat(records("missing" + n + "/x")).isEmpty();
    }

    @Test
    @Order(6)
    void aNodeWhoseRegistryIsDownAtStartRefusesBoundTopicsAndServesTheOthers() throws Exception {
        int n = SEQ.incrementAndGet();
        String subject = "down-" + n + "-value";
        registry.register(subject, SchemaFormat.JSON, SWITCH);
        putBinding(
                "down-" + n,
                "{\"filter\":\"down" + n + "/#\",\"subject\":\"" + subject
                        + "\",\"format\":\"json\",\"mode\":\"validate\"}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodeB.schemaBindings().bindings().stream()
                        .anyMatch(b -> b.name().equals("down-" + n)));

        Mqtt5BlockingClient client = v5(nodeB, "down-pub-" + n);
        Object[] refused = publish(client, "down" + n + "/x", "{\"on\":true}");
        assertThat(refused[0]).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
        assertThat((String) refused[1]).contains(subject).contains("unreachable");
        assertThat(publish(client, "unbound" + n + "/x", "{\"on\":true}")[0]).isEqualTo(ReasonCodes.SUCCESS);
        client.disconnect();

        // MQTT 3.1.1 cannot be told: the connection is closed, so the client sends it again later.
        try (RawMqttClient v3 = RawPackets.connected(nodeB.mqttPort(), MqttVersion.MQTT_3_1_1, "down-v3-" + n)) {
            v3.send(RawPackets.publish("down" + n + "/x", "{\"on\":true}", 1, 1));
            assertThat(v3.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
        assertThat(records("down" + n + "/x")).isEmpty();
    }

    @Test
    @Order(100) // last: takes the registry away
    void whenTheRegistryGoesDownCachedSchemasKeepWorkingAndNewSubjectsAreRefused() throws Exception {
        int n = SEQ.incrementAndGet();
        String subject = "cached-" + n + "-value";
        registry.register(subject, SchemaFormat.JSON, SWITCH);
        putBinding(
                "cached-" + n,
                "{\"filter\":\"cached" + n + "/#\",\"subject\":\"" + subject
                        + "\",\"format\":\"json\",\"mode\":\"validate\"}");
        String topic = "cached" + n + "/x";
        awaitBound(nodeA, topic, "{\"on\":true}");

        REGISTRY.stop();
        nodeA.schemaBindings().loadAll(); // a refresh during the outage

        Mqtt5BlockingClient client = v5(nodeA, "cached-pub-" + n);
        assertThat(publish(client, topic, "{\"on\":true}")[0]).isEqualTo(ReasonCodes.SUCCESS);
        assertThat(publish(client, topic, "{\"on\":1}")[0]).isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);

        putBinding(
                "fresh-" + n,
                "{\"filter\":\"fresh" + n + "/#\",\"subject\":\"fresh-" + n
                        + "-value\",\"format\":\"json\",\"mode\":\"validate\"}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodeA.schemaBindings().bindings().stream()
                        .anyMatch(b -> b.name().equals("fresh-" + n)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Object[] refused = publish(client, "fresh" + n + "/x", "{\"on\":true}");
            assertThat(refused[0]).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
            assertThat((String) refused[1]).contains("fresh-" + n + "-value").contains("unreachable");
        });
        client.disconnect();
    }

    /** The packet id of the PUBACK that comes next. */
    static int pubAckOf(RawMqttClient client) throws Exception {
        MqttMessage ack = client.read(RawPackets.READ_TIMEOUT);
        assertThat(ack).as("PUBACK").isNotNull();
        try {
            assertThat(ack.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
            return ((io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader) ack.variableHeader()).messageId();
        } finally {
            ReferenceCountUtil.release(ack);
        }
    }
}
