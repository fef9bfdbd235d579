/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach the schema registry.
 *
 * @param url                e.g. {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}
 * @param userInfo           {@code USER:PASSWORD} for basic authentication, or null
 * @param trustStore         a trust store file for an https registry whose certificate the JVM does not trust, or null
 * @param trustStorePassword its password, or null
 * @param trustStoreType     its type (PKCS12, JKS)
 * @param timeout            connect and request timeout of one call
 */
public record RegistrySettings(
        String url,
        @Nullable String userInfo,
        @Nullable String trustStore,
        @Nullable String trustStorePassword,
        String trustStoreType,
        Duration timeout) {

    public RegistrySettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(trustStoreType, "trustStoreType");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** A registry at {@code url} without authentication or a trust store of its own. */
    public static RegistrySettings of(String url) {
        return new RegistrySettings(url, null, null, null, "PKCS12", Duration.ofSeconds(10));
    }
}
