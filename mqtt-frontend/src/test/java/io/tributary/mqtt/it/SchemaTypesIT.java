/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.SchemaFixture.awaitBound;
import static io.tributary.mqtt.it.SchemaFixture.fetchSchemaById;
import static io.tributary.mqtt.it.SchemaFixture.publish;
import static io.tributary.mqtt.it.SchemaFixture.putBinding;
import static io.tributary.mqtt.it.SchemaFixture.v5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.ops.OpsHttp;
import io.tributary.mqtt.registry.ConfluentRegistryClient;
import io.tributary.mqtt.schema.SchemaFormat;
import io.tributary.mqtt.schema.SchemaReference;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.ApicurioRegistry;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema bindings beyond the basics, against a real Apicurio Registry and Kafka: Protobuf in the Confluent wire
 * format (message-index array) read by an independent reader, schema references (Avro named types, JSON Schema
 * {@code $ref}, Protobuf imports), wills checked and encoded like PUBLISHes, and the refusals in /metrics.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaTypesIT {

    @RegisterExtension
    @Order(1)
    static final ApicurioRegistry REGISTRY = new ApicurioRegistry();

    @RegisterExtension
    @Order(2)
    static final BrokerExtension broker = BrokerExtension.kafkaOnly();

    static final String READING_PROTO = """
            syntax = "proto3";
            package sensors.v1;
            message Reading {
              double temp = 1;
              string unit = 2;
              repeated int32 codes = 3;
            }
            """;

    static BrokerNode node;
    static ConfluentRegistryClient registry;

    @BeforeAll
    static void start() {
        Map<String, Object> settings = new HashMap<>(broker.settings());
        settings.put(BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0");
        settings.put(SchemaRegistrySettings.URL_CONFIG, REGISTRY.url());
        settings.put(SchemaRegistrySettings.RETRY_CONFIG, "300");
        settings.put(SchemaRegistrySettings.TIMEOUT_CONFIG, "20000");
        node = broker.startNode(settings);
        registry = new ConfluentRegistryClient(REGISTRY.url(), null, null, Duration.ofSeconds(30));
    }

    static void bind(String name, String filter, String subject, String format, String mode) throws Exception {
        String json = "{\"filter\":\"" + filter + "\",\"subject\":\"" + subject + "\",\"format\":\"" + format
                + "\",\"mode\":\"" + mode + "\"}";
        assertThat(putBinding(node, name, json).statusCode()).isEqualTo(200);
    }

    static List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        String messages = (String) broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG);
        return broker.kafka().readAll(messages).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(topic))
                .toList();
    }

    /** {@code message Reading { double temp = 1; string unit = 2; repeated int32 codes = 3; }}, written by hand. */
    static Descriptors.Descriptor handWrittenReading() throws Exception {
        DescriptorProto reading = DescriptorProto.newBuilder()
                .setName("Reading")
                .addField(field("temp", 1, FieldDescriptorProto.Type.TYPE_DOUBLE, false))
                .addField(field("unit", 2, FieldDescriptorProto.Type.TYPE_STRING, false))
                .addField(field("codes", 3, FieldDescriptorProto.Type.TYPE_INT32, true))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("reading.proto")
                .setSyntax("proto3")
                .setPackage("sensors.v1")
                .addMessageType(reading)
                .build();
        return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0])
                .findMessageTypeByName("Reading");
    }

    static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, boolean repeated) {
        return FieldDescriptorProto.newBuilder()
                .setName(name)
                .setNumber(number)
                .setType(type)
                .setLabel(
                        repeated
                                ? FieldDescriptorProto.Label.LABEL_REPEATED
                                : FieldDescriptorProto.Label.LABEL_OPTIONAL)
                .build();
    }

    /** A Protobuf record body (after the 5-byte prefix) read as a registry-aware consumer does. */
    static DynamicMessage readProtobuf(byte[] value, int expectedId) throws Exception {
        assertThat(value[0]).as("magic byte").isZero();
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        assertThat(id).isEqualTo(expectedId);
        assertThat(fetchSchemaById(REGISTRY.url(), id)).contains("message Reading");
        assertThat(value[5]).as("message indexes [0], one zero byte").isZero();
        return DynamicMessage.parseFrom(handWrittenReading(), Arrays.copyOfRange(value, 6, value.length));
    }

    @Test
    @Order(1)
    void protobufValidateAndEncodeWritesWhatARegistryAwareConsumerReadsWhileSubscribersGetJson() throws Exception {
        int id = registry.register("proto-readings-value", SchemaFormat.PROTOBUF, READING_PROTO);
        bind("proto-readings", "proto/+/reading", "proto-readings-value", "protobuf", "validate-and-encode");
        String topic = "proto/s1/reading";
        awaitBound(node, topic, "{\"temp\":1}");

        Mqtt5BlockingClient subscriber = v5(node, "proto-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Mqtt5BlockingClient publisher = v5(node, "proto-pub");
            Object[] refused = publish(publisher, topic, "{\"temp\":\"hot\"}");
            assertThat(refused[0]).isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
            assertThat((String) refused[1]).contains("sensors.v1.Reading");
            assertThat(publish(publisher, topic, "{\"temp\":21.5,\"unit\":\"C\",\"codes\":[7,8]}")[0])
                    .isEqualTo(ReasonCodes.SUCCESS);
            publisher.disconnect();

            Mqtt5Publish got = received.receive(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"temp\":21.5,\"unit\":\"C\",\"codes\":[7,8]}");
            assertThat(got.getContentType().map(Object::toString)).contains("application/json");
        } finally {
            subscriber.disconnect();
        }

        List<ConsumerRecord<byte[], byte[]>> written = records(topic);
        assertThat(written).hasSize(1);
        DynamicMessage m = readProtobuf(written.get(0).value(), id);
        Descriptors.Descriptor d = m.getDescriptorForType();
        assertThat(m.getField(d.findFieldByName("temp"))).isEqualTo(21.5);
        assertThat(m.getField(d.findFieldByName("unit"))).isEqualTo("C");
        assertThat(m.getField(d.findFieldByName("codes"))).isEqualTo(List.of(7, 8));
    }

    @Test
    @Order(2)
    void schemasThatReferenceOtherSubjectsAreResolvedInEveryFormat() throws Exception {
        // Avro: a record using a named type of another subject.
        registry.register(
                "units-value",
                SchemaFormat.AVRO,
                "{\"type\":\"enum\",\"name\":\"Unit\",\"namespace\":\"acme\",\"symbols\":[\"C\",\"F\"]}");
        String avro = "{\"type\":\"record\",\"name\":\"Temp\",\"namespace\":\"acme\",\"fields\":["
                + "{\"name\":\"value\",\"type\":\"double\"},{\"name\":\"unit\",\"type\":\"acme.Unit\"}]}";
        int avroId = registry.register(
                "temps-value", SchemaFormat.AVRO, avro, List.of(new SchemaReference("acme.Unit", "units-value", 1)));
        bind("temps", "temps/#", "temps-value", "avro", "validate-and-encode");
        // JSON Schema: a $ref to another subject's schema by its reference name.
        registry.register(
                "address-value",
                SchemaFormat.JSON,
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
        registry.register(
                "people-value",
                SchemaFormat.JSON,
                "{\"type\":\"object\",\"properties\":{\"home\":{\"$ref\":\"address.json\"}},\"required\":[\"home\"]}",
                List.of(new SchemaReference("address.json", "address-value", 1)));
        bind("people", "people/#", "people-value", "json", "validate");
        // Protobuf: an import of another subject's file.
        registry.register(
                "position-value",
                SchemaFormat.PROTOBUF,
                "syntax = \"proto3\";\npackage geo;\nmessage Position { double lat = 1; double lon = 2; }\n");
        registry.register(
                "fixes-value",
                SchemaFormat.PROTOBUF,
                "syntax = \"proto3\";\npackage fleet;\nimport \"geo/position.proto\";\n"
                        + "message Fix { string vehicle = 1; geo.Position at = 2; }\n",
                List.of(new SchemaReference("geo/position.proto", "position-value", 1)));
        bind("fixes", "fixes/#", "fixes-value", "protobuf", "validate-and-encode");

        awaitBound(node, "temps/t1", "{\"value\":1,\"unit\":\"C\"}");
        awaitBound(node, "people/p1", "{\"home\":{\"city\":\"Oslo\"}}");
        awaitBound(node, "fixes/f1", "{\"vehicle\":\"v1\",\"at\":{\"lat\":1}}");

        Mqtt5BlockingClient client = v5(node, "refs-pub");
        assertThat(publish(client, "temps/t1", "{\"value\":20.5,\"unit\":\"F\"}")[0])
                .isEqualTo(ReasonCodes.SUCCESS);
        assertThat(publish(client, "temps/t1", "{\"value\":20.5,\"unit\":\"K\"}")[0])
                .isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        assertThat(publish(client, "people/p1", "{\"home\":{\"city\":\"Oslo\"}}")[0])
                .isEqualTo(ReasonCodes.SUCCESS);
        assertThat(publish(client, "people/p1", "{\"home\":{\"town\":\"Oslo\"}}")[0])
                .isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        assertThat(publish(client, "fixes/f1", "{\"vehicle\":\"v1\",\"at\":{\"lat\":59.9,\"lon\":10.7}}")[0])
                .isEqualTo(ReasonCodes.SUCCESS);
        assertThat(publish(client, "fixes/f1", "{\"vehicle\":\"v1\",\"at\":{\"alt\":3}}")[0])
                .isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        client.disconnect();

        // The Avro record reads with the referenced type parsed first, as a registry-aware consumer does.
        byte[] value = records("temps/t1").get(0).value();
        assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).isEqualTo(avroId);
        Schema.Parser parser = new Schema.Parser();
        parser.parse("{\"type\":\"enum\",\"name\":\"Unit\",\"namespace\":\"acme\",\"symbols\":[\"C\",\"F\"]}");
        Schema temp = parser.parse(fetchSchemaById(REGISTRY.url(), avroId));
        GenericRecord record = new GenericDatumReader<GenericRecord>(temp)
                .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        assertThat(record.get("unit").toString()).isEqualTo("F");
        assertThat(records("fixes/f1")).hasSize(1);
    }

    @Test
    @Order(3)
    void aWillThatDoesNotMatchIsRefusedAtConnectAndAValidOneIsWrittenEncoded() throws Exception {
        String topic = "proto/dying/reading";
        awaitBound(node, topic, "{\"temp\":1}");
        Mqtt5BlockingClient refused = MqttClient.builder()
                .useMqttVersion5()
                .identifier("will-bad")
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        assertThatThrownBy(() -> refused.connectWith()
                        .willPublish()
                        .topic(topic)
                        .payload("{\"temp\":\"gone\"}".getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .applyWillPublish()
                        .send())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
                    assertThat((byte) e.getMqttMessage().getReasonCode().getCode())
                            .isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
                    assertThat(e.getMqttMessage().getReasonString().map(Object::toString))
                            .hasValueSatisfying(r -> assertThat(r).contains(topic));
                });

        // MQTT 3.1.1 has no 0x99: the CONNECT is refused with return code 5, not authorized.
        var v3 = new org.eclipse.paho.client.mqttv3.MqttClient(
                TestBroker.uri(node), "will-bad-v3", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setWill(topic, "{\"temp\":[]}".getBytes(StandardCharsets.UTF_8), 1, false);
        MqttException v3Refused = catchThrowableOfType(MqttException.class, () -> v3.connect(options));
        assertThat(v3Refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED); // 5
        v3.close();

        Mqtt5BlockingClient dying = MqttClient.builder()
                .useMqttVersion5()
                .identifier("will-good")
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        dying.connectWith()
                .willPublish()
                .topic(topic)
                .payload("{\"temp\":-1.5,\"unit\":\"C\"}".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE)
                .applyWillPublish()
                .send();
        dying.disconnectWith()
                .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                .send();

        await().atMost(Duration.ofSeconds(20)).until(() -> records(topic).size() == 1);
        DynamicMessage will = readProtobuf(
                records(topic).get(0).value(),
                registry.latest("proto-readings-value").id());
        assertThat(will.getField(will.getDescriptorForType().findFieldByName("temp")))
                .isEqualTo(-1.5);
    }

    @Test
    @Order(4)
    void refusalsAreCountedInTheMetricsByReason() throws Exception {
        bind("nowhere", "nowhere/#", "nowhere-value", "json", "validate");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.schemaBindings().bindings().stream()
                        .anyMatch(b -> b.name().equals("nowhere")));
        Mqtt5BlockingClient client = v5(node, "metrics-pub");
        assertThat(publish(client, "nowhere/x", "{}")[0]).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
        client.disconnect();

        Map<String, Double> samples = OpsHttp.samples(OpsHttp.scrape(node));
        // Earlier tests of this class refused 4 payloads that did not match, and two wills.
        assertThat(OpsHttp.sum(samples, "tributary_schema_refusals_total", "reason=\"invalid\""))
                .isEqualTo(node.schemaBindings().invalidPayloads())
                .isGreaterThanOrEqualTo(6);
        assertThat(OpsHttp.sum(samples, "tributary_schema_refusals_total", "reason=\"unavailable\""))
                .isEqualTo(node.schemaBindings().unavailableSchemas())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(5)
    void aBindingThatNamesAProtobufMessageEncodesThatMessageBehindItsIndexes() throws Exception {
        int id = registry.register(
                "tracks-value",
                SchemaFormat.PROTOBUF,
                "syntax = \"proto3\";\npackage fleet.v2;\nmessage Fix { string vehicle = 1; }\n"
                        + "message Position { double lat = 1; double lon = 2; }\n");
        String json = "{\"filter\":\"tracks/#\",\"subject\":\"tracks-value\",\"format\":\"protobuf\","
                + "\"mode\":\"validate-and-encode\",\"message\":\"fleet.v2.Position\"}";
        assertThat(putBinding(node, "tracks", json).statusCode()).isEqualTo(200);
        awaitBound(node, "tracks/t1", "{\"lat\":1}");

        Mqtt5BlockingClient client = v5(node, "tracks-pub");
        assertThat(publish(client, "tracks/t1", "{\"lat\":59.9,\"lon\":10.7}")[0])
                .isEqualTo(ReasonCodes.SUCCESS);
        Object[] refused = publish(client, "tracks/t1", "{\"vehicle\":\"v1\"}");
        assertThat(refused[0]).as("a Fix is not a Position").isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        assertThat((String) refused[1]).contains("fleet.v2.Position");

        String missing = "{\"filter\":\"ghosts/#\",\"subject\":\"tracks-value\",\"format\":\"protobuf\","
                + "\"mode\":\"validate\",\"message\":\"fleet.v2.Ghost\"}";
        assertThat(putBinding(node, "ghosts", missing).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.schemaBindings().bindings().stream()
                        .anyMatch(b -> b.name().equals("ghosts")));
        Object[] unavailable = publish(client, "ghosts/g1", "{\"lat\":1}");
        assertThat(unavailable[0]).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
        assertThat((String) unavailable[1]).contains("fleet.v2.Ghost").contains("fleet.v2.Fix");
        client.disconnect();

        byte[] value = records("tracks/t1").get(0).value();
        assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).isEqualTo(id);
        assertThat(Arrays.copyOfRange(value, 5, 7))
                .as("message indexes [1]: the file's second message")
                .containsExactly(2, 2);
        DescriptorProto position = DescriptorProto.newBuilder()
                .setName("Position")
                .addField(field("lat", 1, FieldDescriptorProto.Type.TYPE_DOUBLE, false))
                .addField(field("lon", 2, FieldDescriptorProto.Type.TYPE_DOUBLE, false))
                .build();
        Descriptors.Descriptor type = Descriptors.FileDescriptor.buildFrom(
                        FileDescriptorProto.newBuilder()
                                .setName("position.proto")
                                .setSyntax("proto3")
                                .setPackage("fleet.v2")
                                .addMessageType(position)
                                .build(),
                        new Descriptors.FileDescriptor[0])
                .findMessageTypeByName("Position");
        DynamicMessage read = DynamicMessage.parseFrom(type, Arrays.copyOfRange(value, 7, value.length));
        assertThat(read.getField(type.findFieldByName("lon"))).isEqualTo(10.7);
    }
}
