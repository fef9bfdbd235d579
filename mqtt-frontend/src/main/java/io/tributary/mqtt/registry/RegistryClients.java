/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.registry;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.schema.SchemaSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;

/** The node's registry client, built from the {@code schema.registry.*} settings. */
public final class RegistryClients {

    private RegistryClients() {}

    /** The client the settings describe, or {@link SchemaSource#NONE} when no URL is set. */
    public static SchemaSource fromConfig(BrokerConfig config) {
        String url = config.getString(SchemaRegistrySettings.URL_CONFIG).trim();
        if (url.isEmpty()) {
            return SchemaSource.NONE;
        }
        Password auth = config.getPassword(SchemaRegistrySettings.BASIC_AUTH_CONFIG);
        return new ConfluentRegistryClient(
                url,
                auth == null ? null : auth.value(),
                trustStoreContext(config),
                Duration.ofMillis(config.getInt(SchemaRegistrySettings.TIMEOUT_CONFIG)));
    }

    private static @Nullable SSLContext trustStoreContext(BrokerConfig config) {
        String location =
                config.getString(SchemaRegistrySettings.TRUSTSTORE_CONFIG).trim();
        if (location.isEmpty()) {
            return null;
        }
        Password password = config.getPassword(SchemaRegistrySettings.TRUSTSTORE_PASSWORD_CONFIG);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(config.getString(SchemaRegistrySettings.TRUSTSTORE_TYPE_CONFIG));
            store.load(in, password == null ? null : password.value().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    SchemaRegistrySettings.TRUSTSTORE_CONFIG,
                    location,
                    "cannot be read as a trust store: " + e.getMessage());
        }
    }
}
