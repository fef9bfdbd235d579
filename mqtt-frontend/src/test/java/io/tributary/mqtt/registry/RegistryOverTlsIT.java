/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.schema.RegisteredSchema;
import io.tributary.mqtt.schema.SchemaFormat;
import io.tributary.mqtt.schema.SchemaSource;
import io.tributary.mqtt.schema.SchemaSource.SchemaLookupException;
import io.tributary.mqtt.testing.ApicurioRegistry;
import io.tributary.mqtt.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's registry client over TLS, built from the {@code schema.registry.*} settings exactly as the node
 * builds it, against a real Apicurio Registry that serves HTTPS only with a certificate made by a test CA.
 */
class RegistryOverTlsIT {

    static final TestCertificates CA = TestCertificates.authority("registry-test-ca");

    @RegisterExtension
    static final ApicurioRegistry REGISTRY = ApicurioRegistry.overTls(CA, CA.server("registry"));

    static final String READING =
            "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":[{\"name\":\"temp\",\"type\":\"double\"}]}";

    static int readingId;

    @BeforeAll
    static void register() throws Exception {
        SSLContext trust = SSLContext.getInstance("TLS");
        trust.init(null, CA.trustManagers().getTrustManagers(), null);
        readingId = new ConfluentRegistryClient(REGISTRY.url(), null, trust, Duration.ofSeconds(30))
                .register("tls-readings-value", SchemaFormat.AVRO, READING);
    }

    static BrokerConfig settings(Map<String, Object> registry) {
        Map<String, Object> all = new HashMap<>(registry);
        all.put(OpsSettings.OPS_HTTP_LISTENER_CONFIG, "none");
        all.put(SchemaRegistrySettings.URL_CONFIG, REGISTRY.url());
        return new BrokerConfig(all);
    }

    @Test
    void theTrustStoreSettingsLetTheNodeReadSchemasOverHttps() throws Exception {
        assertThat(REGISTRY.url()).startsWith("https://");
        SchemaSource source = RegistryClients.fromConfig(settings(Map.of(
                SchemaRegistrySettings.TRUSTSTORE_CONFIG,
                CA.trustStore().toString(),
                SchemaRegistrySettings.TRUSTSTORE_PASSWORD_CONFIG,
                TestCertificates.PASSWORD,
                SchemaRegistrySettings.TRUSTSTORE_TYPE_CONFIG,
                "PKCS12")));

        RegisteredSchema latest = source.latest("tls-readings-value");
        assertThat(latest.id()).isEqualTo(readingId);
        assertThat(latest.format()).isEqualTo(SchemaFormat.AVRO);
        assertThat(source.byId(readingId).text()).contains("\"temp\"");
    }

    @Test
    void withoutTheTrustStoreTheRegistrysCertificateIsRefusedWithAClearReason() {
        SchemaSource source = RegistryClients.fromConfig(settings(Map.of()));

        assertThatThrownBy(() -> source.latest("tls-readings-value"))
                .isInstanceOf(SchemaLookupException.class)
                .hasMessageContaining("tls-readings-value")
                .hasMessageContaining(REGISTRY.url())
                .hasMessageContaining("SSLHandshakeException")
                .satisfies(e -> assertThat(((SchemaLookupException) e).notFound())
                        .as("an outage, not a missing subject")
                        .isFalse());
    }

    @Test
    void aTrustStoreFileThatIsNotOneFailsTheStartNamingTheSetting() throws Exception {
        Path notAStore = Files.createTempFile("not-a-store", ".p12");
        Files.writeString(notAStore, "-----BEGIN CERTIFICATE-----\nnot a key store\n");
        notAStore.toFile().deleteOnExit();

        assertThatThrownBy(() -> RegistryClients.fromConfig(settings(Map.of(
                        SchemaRegistrySettings.TRUSTSTORE_CONFIG,
                        notAStore.toString(),
                        SchemaRegistrySettings.TRUSTSTORE_PASSWORD_CONFIG,
                        TestCertificates.PASSWORD))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistrySettings.TRUSTSTORE_CONFIG)
                .hasMessageContaining("cannot be read as a trust store");
    }
}
