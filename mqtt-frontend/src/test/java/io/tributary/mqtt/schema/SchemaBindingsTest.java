/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.wire.ReasonCodes;
import io.tributary.placement.Entity;
import io.tributary.placement.PlacementDelta;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementKey;
import io.tributary.registry.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Schema bindings over an in-memory registry: what PUBLISH payloads pass, what Kafka gets, what subscribers get. */
class SchemaBindingsTest {

    static final String AVRO = "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":["
            + "{\"name\":\"temp\",\"type\":\"double\"},"
            + "{\"name\":\"unit\",\"type\":\"string\",\"default\":\"C\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]}]}";
    static final String JSON = "{\"type\":\"object\",\"properties\":{\"on\":{\"type\":\"boolean\"},"
            + "\"level\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}},\"required\":[\"on\"]}";

    /** The registry as the bindings see it: the port, in memory; {@code down} makes every lookup fail. */
    static final class MemoryRegistry implements SchemaSource {
        final Map<String, RegisteredSchema> latest = new ConcurrentHashMap<>();
        final Map<Integer, RegisteredSchema> byId = new ConcurrentHashMap<>();
        volatile boolean down;

        void register(int id, String subject, SchemaFormat format, String text) {
            RegisteredSchema s = new RegisteredSchema(id, subject, 1, format, text);
            latest.put(subject, s);
            byId.put(id, s);
        }

        @Override
        public RegisteredSchema latest(String subject) throws SchemaLookupException {
            if (down) {
                throw new SchemaLookupException("registry unreachable", false, null);
            }
            RegisteredSchema s = latest.get(subject);
            if (s == null) {
                throw new SchemaLookupException("subject '" + subject + "' not found", true, null);
            }
            return s;
        }

        @Override
        public RegisteredSchema byId(int id) throws SchemaLookupException {
            RegisteredSchema s = down ? null : byId.get(id);
            if (s == null) {
                throw new SchemaLookupException("schema id " + id + " not found", true, null);
            }
            return s;
        }
    }

    final MemoryRegistry registry = new MemoryRegistry();
    final SchemaBindings bindings = new SchemaBindings(registry, 60_000, 100);

    @AfterEach
    void close() {
        bindings.close();
    }

    static PlacementImage image(Entity.Schema... schemas) {
        PlacementDelta delta = new PlacementDelta(PlacementImage.EMPTY);
        long offset = 0;
        for (Entity.Schema s : schemas) {
            delta.replay(PlacementKey.of(s), s, offset++);
        }
        return delta.apply();
    }

    static Entity.Schema binding(String name, String filter, String subject, String format, String mode) {
        return new Entity.Schema(name, 1, filter, subject, format, mode, null, null);
    }

    void bind(Entity.Schema... schemas) {
        bindings.apply(image(schemas));
        bindings.loadAll();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTopicWithoutBindingOrWithModeOffPassesAsPublished() {
        registry.register(1, "switch-value", SchemaFormat.JSON, JSON);
        bind(binding("off", "lights/#", "switch-value", "json", "off"));

        assertThat(bindings.check("other/topic", utf8("anything"))).isSameAs(PayloadCheck.AS_PUBLISHED);
        assertThat(bindings.check("lights/1", utf8("not json"))).isSameAs(PayloadCheck.AS_PUBLISHED);
    }

    @Test
    void jsonSchemaValidationRefusesWithPayloadFormatInvalidAndSaysWhy() {
        registry.register(1, "switch-value", SchemaFormat.JSON, JSON);
        bind(binding("switches", "switches/+/state", "switch-value", "json", "validate"));

        assertThat(bindings.check("switches/a/state", utf8("{\"on\":true,\"level\":40}")))
                .isSameAs(PayloadCheck.AS_PUBLISHED);
        PayloadCheck wrongType = bindings.check("switches/a/state", utf8("{\"on\":\"yes\"}"));
        assertThat(wrongType.reasonCode()).isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        assertThat(wrongType.reason()).contains("on").contains("boolean");
        PayloadCheck outOfRange = bindings.check("switches/a/state", utf8("{\"on\":true,\"level\":101}"));
        assertThat(outOfRange.reasonCode()).isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        assertThat(outOfRange.reason()).contains("level");
        PayloadCheck missing = bindings.check("switches/a/state", utf8("{}"));
        assertThat(missing.reason()).contains("on");
        PayloadCheck notJson = bindings.check("switches/a/state", utf8("{\"on\":true} trailing"));
        assertThat(notJson.reasonCode()).isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
        assertThat(notJson.reason()).startsWith("payload is not JSON");
        assertThat(bindings.invalidPayloads()).isEqualTo(4);
    }

    @Test
    void avroValidateAndEncodeWritesTheConfluentWireFormatThatAvroReadsBack() throws Exception {
        registry.register(7, "readings-value", SchemaFormat.AVRO, AVRO);
        bind(binding("readings", "sensors/+/telemetry", "readings-value", "avro", "validate-and-encode"));

        PayloadCheck check = bindings.check("sensors/s1/telemetry", utf8("{\"temp\":21.5,\"note\":\"ok\"}"));
        assertThat(check.accepted()).isTrue();
        byte[] value = check.recordValue();
        assertThat(value[0]).isZero();
        assertThat(WireFormat.schemaId(value)).isEqualTo(7);
        Schema schema = new Schema.Parser().parse(AVRO);
        GenericRecord record = new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(WireFormat.body(value), null));
        assertThat(record.get("temp")).isEqualTo(21.5);
        assertThat(record.get("unit").toString()).isEqualTo("C"); // the schema's default
        assertThat(record.get("note").toString()).isEqualTo("ok"); // a union takes the plain JSON value
    }

    @Test
    void avroRefusesMissingFieldsWrongTypesUnknownFieldsAndNonJson() {
        registry.register(7, "readings-value", SchemaFormat.AVRO, AVRO);
        bind(binding("readings", "sensors/#", "readings-value", "avro", "validate"));

        assertThat(bindings.check("sensors/x", utf8("{\"temp\":20}")).accepted())
                .isTrue();
        assertThat(bindings.check("sensors/x", utf8("{\"unit\":\"F\"}")).reason())
                .isEqualTo("$.temp: required field is missing");
        assertThat(bindings.check("sensors/x", utf8("{\"temp\":\"warm\"}")).reason())
                .isEqualTo("$.temp: expected a number, found string");
        assertThat(bindings.check("sensors/x", utf8("{\"temp\":1,\"tmep\":2}")).reason())
                .contains("$.tmep: field not in schema");
        assertThat(bindings.check("sensors/x", utf8("{\"temp\":1,\"tags\":[1]}"))
                        .reason())
                .contains("$.tags[0]");
        assertThat(bindings.check("sensors/x", new byte[] {0, 0, 0, 0, 7}).reasonCode())
                .isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
    }

    @Test
    void subscribersGetJsonOfAnEncodedRecordUnlessTheBindingDeliversItEncoded() {
        registry.register(7, "readings-value", SchemaFormat.AVRO, AVRO);
        bind(
                binding("readings", "sensors/#", "readings-value", "avro", "validate-and-encode"),
                new Entity.Schema("raw", 1, "raw/#", "readings-value", "avro", "off", "encoded", null));
        byte[] framed = bindings.check("sensors/a", utf8("{\"temp\":3.5}")).recordValue();

        Message decoded = bindings.forSubscribers(message("sensors/a", framed));
        assertThat(new String(decoded.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"temp\":3.5,\"unit\":\"C\",\"note\":null,\"tags\":[]}");
        assertThat(decoded.properties().contentType()).isEqualTo("application/json");
        assertThat(decoded.properties().payloadUtf8()).isTrue();

        assertThat(bindings.forSubscribers(message("raw/a", framed)).payload()).isSameAs(framed);
        assertThat(bindings.forSubscribers(message("unbound", framed)).payload())
                .isSameAs(framed);
        byte[] json = utf8("{\"temp\":1}");
        assertThat(bindings.forSubscribers(message("sensors/a", json)).payload())
                .isSameAs(json);
        byte[] unknownId = WireFormat.encode(99, new byte[] {1});
        assertThat(bindings.forSubscribers(message("sensors/a", unknownId)).payload())
                .isSameAs(unknownId);
    }

    @Test
    void aMissingSubjectRefusesWithUnspecifiedErrorUntilItIsRegistered() {
        bind(binding("later", "later/#", "later-value", "json", "validate"));

        PayloadCheck check = bindings.check("later/1", utf8("{\"on\":true}"));
        assertThat(check.reasonCode()).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
        assertThat(check.reason()).contains("later-value").contains("not found");

        registry.register(3, "later-value", SchemaFormat.JSON, JSON);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> bindings.check("later/1", utf8("{\"on\":true}")).accepted());
    }

    @Test
    void aCachedSchemaKeepsWorkingWhileTheRegistryIsDown() {
        registry.register(1, "switch-value", SchemaFormat.JSON, JSON);
        bind(binding("switches", "switches/#", "switch-value", "json", "validate"));
        registry.down = true;

        bindings.loadAll(); // a refresh that fails
        assertThat(bindings.check("switches/1", utf8("{\"on\":false}")).accepted())
                .isTrue();
        assertThat(bindings.check("switches/1", utf8("{\"on\":1}")).reasonCode())
                .isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);

        bind(
                binding("switches", "switches/#", "switch-value", "json", "validate"),
                binding("new", "new/#", "new-value", "json", "validate"));
        PayloadCheck fresh = bindings.check("new/1", utf8("{\"on\":false}"));
        assertThat(fresh.reasonCode()).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
        assertThat(fresh.reason()).contains("new-value").contains("unreachable");
    }

    @Test
    void aBindingWhoseSubjectHoldsAnotherFormatRefusesWithTheReason() {
        registry.register(1, "switch-value", SchemaFormat.JSON, JSON);
        bind(binding("mismatch", "m/#", "switch-value", "avro", "validate"));

        PayloadCheck check = bindings.check("m/1", utf8("{\"on\":true}"));
        assertThat(check.reasonCode()).isEqualTo(ReasonCodes.UNSPECIFIED_ERROR);
        assertThat(check.reason()).contains("holds a json schema").contains("expects avro");
    }

    static Message message(String topic, byte[] payload) {
        return new Message(topic, payload, 1, false, "c", MessageProperties.NONE);
    }
}
