/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** References read from the registry: transitively, each once, dependencies first; a cycle ends; a miss says which. */
class SchemaReferencesTest {

    /** Versions of subjects in memory; counts the lookups. */
    static final class Versions implements SchemaSource {
        final Map<String, RegisteredSchema> byKey = new ConcurrentHashMap<>();
        int lookups;

        void put(String subject, String text, SchemaReference... refs) {
            byKey.put(
                    subject + "/1",
                    new RegisteredSchema(byKey.size() + 1, subject, 1, SchemaFormat.AVRO, text, List.of(refs)));
        }

        @Override
        public RegisteredSchema latest(String subject) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RegisteredSchema byId(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RegisteredSchema version(String subject, int version) throws SchemaLookupException {
            lookups++;
            RegisteredSchema s = byKey.get(subject + "/" + version);
            if (s == null) {
                throw new SchemaLookupException("subject '" + subject + "' version " + version + ": 404", true, null);
            }
            return s;
        }
    }

    static final String UNIT = "{\"type\":\"enum\",\"name\":\"Unit\",\"namespace\":\"acme\",\"symbols\":[\"C\",\"F\"]}";
    static final String TEMP = "{\"type\":\"record\",\"name\":\"Temp\",\"namespace\":\"acme\",\"fields\":["
            + "{\"name\":\"value\",\"type\":\"double\"},{\"name\":\"unit\",\"type\":\"acme.Unit\"}]}";
    static final String ROOM = "{\"type\":\"record\",\"name\":\"Room\",\"namespace\":\"acme\",\"fields\":["
            + "{\"name\":\"inside\",\"type\":\"acme.Temp\"},{\"name\":\"unit\",\"type\":\"acme.Unit\"}]}";

    @Test
    void transitiveReferencesComeOnceAndBeforeThoseThatUseThem() throws Exception {
        Versions registry = new Versions();
        registry.put("unit", UNIT);
        registry.put("temp", TEMP, new SchemaReference("acme.Unit", "unit", 1));
        RegisteredSchema room = new RegisteredSchema(
                9,
                "room",
                1,
                SchemaFormat.AVRO,
                ROOM,
                List.of(new SchemaReference("acme.Temp", "temp", 1), new SchemaReference("acme.Unit", "unit", 1)));

        Map<String, RegisteredSchema> refs = SchemaReferences.resolve(room, registry);

        assertThat(refs.keySet()).containsExactly("acme.Unit", "acme.Temp");
        assertThat(registry.lookups).isEqualTo(2);
        PayloadSchema compiled = PayloadSchema.compile(room, refs);
        compiled.validate("{\"inside\":{\"value\":1.5,\"unit\":\"C\"},\"unit\":\"F\"}".getBytes());
        assertThatThrownBy(() ->
                        compiled.validate("{\"inside\":{\"value\":1.5,\"unit\":\"K\"},\"unit\":\"F\"}".getBytes()))
                .isInstanceOf(PayloadSchema.InvalidPayloadException.class);
    }

    @Test
    void aCycleEndsAndAMissingReferenceSaysWhich() throws Exception {
        Versions registry = new Versions();
        registry.put("a", UNIT, new SchemaReference("b.json", "b", 1));
        registry.put("b", UNIT, new SchemaReference("a.json", "a", 1));
        RegisteredSchema root = new RegisteredSchema(
                1, "r", 1, SchemaFormat.JSON, "{}", List.of(new SchemaReference("a.json", "a", 1)));
        assertThat(SchemaReferences.resolve(root, registry).keySet()).containsExactly("b.json", "a.json");

        RegisteredSchema dangling = new RegisteredSchema(
                2, "d", 1, SchemaFormat.AVRO, TEMP, List.of(new SchemaReference("acme.Unit", "gone", 3)));
        assertThatThrownBy(() -> SchemaReferences.resolve(dangling, registry))
                .isInstanceOf(SchemaSource.SchemaLookupException.class)
                .hasMessageContaining("gone")
                .hasMessageContaining("3");
    }
}
