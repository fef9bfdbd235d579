/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of the schema registry that schema bindings use (docs/schemas.md), named as Confluent's clients
 * name theirs where there is an equivalent. One constant quartet per setting, as in {@link BrokerConfig}.
 */
public final class SchemaRegistrySettings {

    private SchemaRegistrySettings() {}

    static final String GROUP = "Schema registry";

    public static final String URL_CONFIG = "schema.registry.url";
    public static final String URL_DOC = "Base URL of a registry speaking the Confluent Schema Registry REST API "
            + "(Confluent Schema Registry, Apicurio Registry at .../apis/ccompat/v7, Karapace), e.g. "
            + "https://registry:8081. Empty: no registry, and PUBLISHes to topics with a schema binding are refused.";
    public static final String URL_DEFAULT = "";

    public static final String BASIC_AUTH_CONFIG = "schema.registry.basic.auth.user.info";
    public static final String BASIC_AUTH_DOC =
            "USER:PASSWORD for HTTP basic authentication to the registry; empty: none.";

    public static final String TRUSTSTORE_CONFIG = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_DOC = "Trust store (PKCS12 or JKS) of the CAs an https registry's "
            + "certificate must chain to; empty: the JVM's default CAs.";
    public static final String TRUSTSTORE_DEFAULT = "";

    public static final String TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_PASSWORD_DOC = "Password of schema.registry.ssl.truststore.location.";

    public static final String TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    public static final String TRUSTSTORE_TYPE_DOC = "Type of schema.registry.ssl.truststore.location: PKCS12 or JKS.";
    public static final String TRUSTSTORE_TYPE_DEFAULT = "PKCS12";

    public static final String TIMEOUT_CONFIG = "schema.registry.request.timeout.ms";
    public static final String TIMEOUT_DOC = "How long one request to the registry may take.";
    public static final int TIMEOUT_DEFAULT = 5000;

    public static final String REFRESH_CONFIG = "schema.registry.cache.refresh.ms";
    public static final String REFRESH_DOC = "How often the latest version of every bound subject is read again, so "
            + "a new version is used without a restart. While the registry is unreachable the versions read before "
            + "stay in use.";
    public static final int REFRESH_DEFAULT = 30_000;

    public static final String RETRY_CONFIG = "schema.registry.retry.ms";
    public static final String RETRY_DOC = "How often a bound subject that could not be read (registry down, "
            + "subject missing) is tried again; until then PUBLISHes to its topics are refused.";
    public static final int RETRY_DEFAULT = 2000;

    public static final String INVALID_MQTT311_CONFIG = "schema.invalid.payload.mqtt311";
    public static final String INVALID_MQTT311_DOC = "What happens to a PUBLISH whose payload does not match its "
            + "schema when the client cannot be told with a reason code (MQTT 3.1.1, and QoS 0 of MQTT 5): "
            + "disconnect (the client sees its connection closed) or drop (acknowledged as usual, not written, counted).";
    public static final String INVALID_MQTT311_DEFAULT = "disconnect";

    /** Defines this group's keys, in the order of the generated reference. */
    static void define(ConfigDef def) {
        BrokerConfigDef.Grouped g = new BrokerConfigDef.Grouped(def, GROUP);
        g.define(URL_CONFIG, Type.STRING, URL_DEFAULT, null, Importance.HIGH, URL_DOC);
        g.define(BASIC_AUTH_CONFIG, Type.PASSWORD, null, null, Importance.MEDIUM, BASIC_AUTH_DOC);
        g.define(TRUSTSTORE_CONFIG, Type.STRING, TRUSTSTORE_DEFAULT, null, Importance.MEDIUM, TRUSTSTORE_DOC);
        g.define(TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, null, Importance.MEDIUM, TRUSTSTORE_PASSWORD_DOC);
        g.define(
                TRUSTSTORE_TYPE_CONFIG,
                Type.STRING,
                TRUSTSTORE_TYPE_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                Importance.LOW,
                TRUSTSTORE_TYPE_DOC);
        g.define(TIMEOUT_CONFIG, Type.INT, TIMEOUT_DEFAULT, Range.atLeast(100), Importance.LOW, TIMEOUT_DOC);
        g.define(REFRESH_CONFIG, Type.INT, REFRESH_DEFAULT, Range.atLeast(100), Importance.LOW, REFRESH_DOC);
        g.define(RETRY_CONFIG, Type.INT, RETRY_DEFAULT, Range.atLeast(100), Importance.LOW, RETRY_DOC);
        g.define(
                INVALID_MQTT311_CONFIG,
                Type.STRING,
                INVALID_MQTT311_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("disconnect", "drop"),
                Importance.MEDIUM,
                INVALID_MQTT311_DOC);
    }

    /** Whether an invalid payload that cannot be refused with a reason code is dropped (else: disconnect). */
    public static boolean dropsInvalidWithoutAck(BrokerConfig config) {
        return "drop".equalsIgnoreCase(config.getString(INVALID_MQTT311_CONFIG));
    }
}
