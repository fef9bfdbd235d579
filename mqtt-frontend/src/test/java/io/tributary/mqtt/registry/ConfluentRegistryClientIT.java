/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.schema.RegisteredSchema;
import io.tributary.mqtt.schema.SchemaFormat;
import io.tributary.mqtt.schema.SchemaSource;
import io.tributary.mqtt.testing.ApicurioRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry client against a real Apicurio Registry (its Confluent-compatible API), outage included. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfluentRegistryClientIT {

    @RegisterExtension
    static final ApicurioRegistry REGISTRY = new ApicurioRegistry();

    static final String READING_V1 =
            "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":[{\"name\":\"temp\",\"type\":\"double\"}]}";
    static final String READING_V2 = "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":["
            + "{\"name\":\"temp\",\"type\":\"double\"},{\"name\":\"unit\",\"type\":\"string\",\"default\":\"C\"}]}";
    static final String READING_INCOMPATIBLE =
            "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":[{\"name\":\"temp\",\"type\":\"string\"}]}";
    static final String JSON_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"on\":{\"type\":\"boolean\"}},\"required\":[\"on\"]}";
    static final AtomicInteger SEQ = new AtomicInteger();

    static ConfluentRegistryClient client() {
        return new ConfluentRegistryClient(REGISTRY.url(), null, null, Duration.ofSeconds(30));
    }

    @Test
    @Order(1)
    void registersAndReadsAvroAndJsonSchemasByIdAndSubject() throws Exception {
        ConfluentRegistryClient client = client();
        String subject = "readings-" + SEQ.incrementAndGet() + "-value";
        int id = client.register(subject, SchemaFormat.AVRO, READING_V1);

        RegisteredSchema latest = client.latest(subject);
        assertThat(latest.id()).isEqualTo(id);
        assertThat(latest.version()).isEqualTo(1);
        assertThat(latest.format()).isEqualTo(SchemaFormat.AVRO);
        assertThat(latest.text()).contains("\"temp\"");
        // A second client has no cache: this is the registry's answer.
        assertThat(client().byId(id).text()).isEqualTo(latest.text());

        String jsonSubject = "switches-" + SEQ.incrementAndGet() + "-value";
        int jsonId = client.register(jsonSubject, SchemaFormat.JSON, JSON_SCHEMA);
        assertThat(client().latest(jsonSubject).format()).isEqualTo(SchemaFormat.JSON);
        assertThat(client().byId(jsonId).format()).isEqualTo(SchemaFormat.JSON);
    }

    @Test
    @Order(2)
    void aNewVersionBecomesTheLatestAndAnIncompatibleOneIsRefusedByTheRegistry() throws Exception {
        ConfluentRegistryClient client = client();
        String subject = "readings-" + SEQ.incrementAndGet() + "-value";
        client.register(subject, SchemaFormat.AVRO, READING_V1);
        client.setCompatibility(subject, "BACKWARD");

        int v2 = client.register(subject, SchemaFormat.AVRO, READING_V2);
        assertThat(client.latest(subject).id()).isEqualTo(v2);
        assertThat(client.latest(subject).version()).isEqualTo(2);

        assertThat(client.isCompatible(subject, SchemaFormat.AVRO, READING_INCOMPATIBLE))
                .isFalse();
        assertThatThrownBy(() -> client.register(subject, SchemaFormat.AVRO, READING_INCOMPATIBLE))
                .isInstanceOf(ConfluentRegistryClient.RegistryException.class)
                .hasMessageContaining("409")
                .satisfies(e -> assertThat(((ConfluentRegistryClient.RegistryException) e).status())
                        .isEqualTo(409));
        assertThat(client.latest(subject).id()).isEqualTo(v2);
    }

    @Test
    @Order(3)
    void anUnknownSubjectOrIdIsNotFoundRatherThanAnOutage() {
        ConfluentRegistryClient client = client();
        assertThatThrownBy(() -> client.latest("no-such-subject"))
                .isInstanceOf(SchemaSource.SchemaLookupException.class)
                .hasMessageContaining("no-such-subject")
                .satisfies(e -> assertThat(((SchemaSource.SchemaLookupException) e).notFound())
                        .isTrue());
        assertThatThrownBy(() -> client.byId(987654))
                .isInstanceOf(SchemaSource.SchemaLookupException.class)
                .satisfies(e -> assertThat(((SchemaSource.SchemaLookupException) e).notFound())
                        .isTrue());
    }

    @Test
    @Order(4) // last: stops the registry
    void cachedSchemasAreAnsweredThroughAnOutageAndNewOnesFailWithTheReason() throws Exception {
        ConfluentRegistryClient client = client();
        String subject = "readings-" + SEQ.incrementAndGet() + "-value";
        int id = client.register(subject, SchemaFormat.AVRO, READING_V1);
        client.latest(subject); // read once: cached

        REGISTRY.stop();

        assertThat(client.latest(subject).id()).isEqualTo(id);
        assertThat(client.byId(id).text()).isEqualTo(READING_V1);
        assertThatThrownBy(() -> client.latest("never-read-value"))
                .isInstanceOf(SchemaSource.SchemaLookupException.class)
                .hasMessageContaining("unreachable")
                .satisfies(e -> assertThat(((SchemaSource.SchemaLookupException) e).notFound())
                        .isFalse());
    }
}
