/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The one family of settings that say how a connector reaches the registry ({@link RegistrySettings}): the keys
 * Confluent's serializers use ({@code schema.registry.url}, {@code schema.registry.basic.auth.user.info}, ...),
 * each behind a connector's own prefix (the tiering sinks: none; the Iceberg sink: {@code iceberg.}), defined
 * in its ConfigDef by {@link #define} and read by {@link #settings}.
 */
public final class RegistryConfigKeys {

    public static final String URL = "schema.registry.url";
    public static final String URL_DOC_START = "A Confluent-compatible schema registry (Confluent Schema Registry, "
            + "Apicurio Registry's /apis/ccompat/v7, Karapace), e.g. http://registry:8081. When set, a payload in the "
            + "Confluent wire format (magic byte 0, 4-byte schema id: what a broker binding in validate-and-encode "
            + "mode writes) ";
    public static final String URL_DEFAULT = "";

    public static final String BASIC_AUTH = "schema.registry.basic.auth.user.info";
    public static final String BASIC_AUTH_DOC =
            "USER:PASSWORD for the registry's basic authentication; empty sends none.";
    public static final String BASIC_AUTH_DEFAULT = "";

    public static final String TRUSTSTORE = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_DOC = "Trust store file for an https registry whose certificate the JVM's "
            + "default trust store does not hold; empty uses the JVM's.";
    public static final String TRUSTSTORE_DEFAULT = "";

    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_PASSWORD_DOC = "Password of the registry trust store.";
    public static final String TRUSTSTORE_PASSWORD_DEFAULT = "";

    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String TRUSTSTORE_TYPE_DOC = "Type of the registry trust store: PKCS12 or JKS.";
    public static final String TRUSTSTORE_TYPE_DEFAULT = "PKCS12";

    public static final String TIMEOUT = "schema.registry.request.timeout.ms";
    public static final String TIMEOUT_DOC_START = "Connect and request timeout of one registry call. A schema id is "
            + "asked once per task; while the registry cannot answer for an id not asked before, the task ";
    public static final int TIMEOUT_DEFAULT = 10_000;

    private RegistryConfigKeys() {}

    /**
     * Adds the keys, each behind {@code prefix}, to {@code def} in {@code group}, in the order of the reference.
     *
     * @param urlDocEnd what the connector does with a wire-format payload, ending the url's doc
     * @param retryDocEnd how the connector takes a record again in an outage, ending the timeout's doc
     * @return the order in group of the last key, for the keys a connector adds after them
     */
    public static int define(
            ConfigDef def, String prefix, String group, int orderBefore, String urlDocEnd, String retryDocEnd) {
        int order = orderBefore;
        def.define(
                prefix + URL,
                Type.STRING,
                URL_DEFAULT,
                Importance.MEDIUM,
                URL_DOC_START + urlDocEnd,
                group,
                ++order,
                Width.LONG,
                prefix + URL);
        def.define(
                prefix + BASIC_AUTH,
                Type.PASSWORD,
                BASIC_AUTH_DEFAULT,
                Importance.MEDIUM,
                BASIC_AUTH_DOC,
                group,
                ++order,
                Width.MEDIUM,
                prefix + BASIC_AUTH);
        def.define(
                prefix + TRUSTSTORE,
                Type.STRING,
                TRUSTSTORE_DEFAULT,
                Importance.LOW,
                TRUSTSTORE_DOC,
                group,
                ++order,
                Width.LONG,
                prefix + TRUSTSTORE);
        def.define(
                prefix + TRUSTSTORE_PASSWORD,
                Type.PASSWORD,
                TRUSTSTORE_PASSWORD_DEFAULT,
                Importance.LOW,
                TRUSTSTORE_PASSWORD_DOC,
                group,
                ++order,
                Width.MEDIUM,
                prefix + TRUSTSTORE_PASSWORD);
        def.define(
                prefix + TRUSTSTORE_TYPE,
                Type.STRING,
                TRUSTSTORE_TYPE_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                Importance.LOW,
                TRUSTSTORE_TYPE_DOC,
                group,
                ++order,
                Width.SHORT,
                prefix + TRUSTSTORE_TYPE);
        def.define(
                prefix + TIMEOUT,
                Type.INT,
                TIMEOUT_DEFAULT,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                TIMEOUT_DOC_START + retryDocEnd,
                group,
                ++order,
                Width.SHORT,
                prefix + TIMEOUT);
        return order;
    }

    /** How to reach the registry by the keys behind {@code prefix}, or empty when its url is not set. */
    public static Optional<RegistrySettings> settings(AbstractConfig config, String prefix) {
        String url = config.getString(prefix + URL).trim();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String trustStore = config.getString(prefix + TRUSTSTORE).trim();
        return Optional.of(new RegistrySettings(
                url,
                config.getPassword(prefix + BASIC_AUTH).value(),
                trustStore.isEmpty() ? null : trustStore,
                config.getPassword(prefix + TRUSTSTORE_PASSWORD).value(),
                config.getString(prefix + TRUSTSTORE_TYPE),
                Duration.ofMillis(config.getInt(prefix + TIMEOUT))));
    }
}
