/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of the listeners beside plain TCP (MQTT over TLS, WebSocket, WebSocket over TLS) and of their TLS:
 * one constant quartet per setting, as in {@link BrokerConfig}, kept apart so the plain listener's settings read
 * on their own. Each extra listener is off by default and binds to {@code mqtt.bind}.
 */
public final class ListenerSettings {

    private ListenerSettings() {}

    static final String GROUP = "TLS and WebSocket listeners";

    public static final String LISTENERS_CONFIG = "listeners";
    public static final String LISTENERS_DOC = "Every MQTT listener of the node as a comma-separated list of URLs, "
            + "e.g. tcp://127.0.0.1:1883,tls://0.0.0.0:8883,ws://127.0.0.1:8080/mqtt,wss://0.0.0.0:8443/mqtt "
            + "(schemes tcp, tls, ws, wss; port 0 picks a free port; a ws or wss URL without a path serves "
            + "mqtt.ws.path). Also --listeners on the command line. Empty: the shorthand settings mqtt.port and "
            + "mqtt.bind (--mqtt-port, --bind) and mqtt.tls.*, mqtt.ws.*, mqtt.wss.* define the listeners. Setting "
            + "both is refused at start, naming the shorthand settings that are set.";
    public static final List<String> LISTENERS_DEFAULT = List.of();

    public static final String TLS_ENABLED_CONFIG = "mqtt.tls.enabled";
    public static final String TLS_ENABLED_DOC = "Serve MQTT over TLS (scheme mqtts) on mqtt.tls.port. Needs a "
            + "certificate: tls.cert.file and tls.key.file, or tls.keystore.file.";
    public static final boolean TLS_ENABLED_DEFAULT = false;

    public static final String TLS_PORT_CONFIG = "mqtt.tls.port";
    public static final String TLS_PORT_DOC = "Port of the MQTT over TLS listener; 0 picks a free port.";
    public static final int TLS_PORT_DEFAULT = 8883;

    public static final String WS_ENABLED_CONFIG = "mqtt.ws.enabled";
    public static final String WS_ENABLED_DOC =
            "Serve MQTT over WebSocket (MQTT 5.0 section 6, subprotocol mqtt or mqttv3.1) on mqtt.ws.port.";
    public static final boolean WS_ENABLED_DEFAULT = false;

    public static final String WS_PORT_CONFIG = "mqtt.ws.port";
    public static final String WS_PORT_DOC = "Port of the MQTT over WebSocket listener; 0 picks a free port.";
    public static final int WS_PORT_DEFAULT = 8080;

    public static final String WSS_ENABLED_CONFIG = "mqtt.wss.enabled";
    public static final String WSS_ENABLED_DOC =
            "Serve MQTT over WebSocket over TLS on mqtt.wss.port, with the TLS settings of mqtt.tls.";
    public static final boolean WSS_ENABLED_DEFAULT = false;

    public static final String WSS_PORT_CONFIG = "mqtt.wss.port";
    public static final String WSS_PORT_DOC = "Port of the MQTT over WebSocket over TLS listener; 0 picks a free port.";
    public static final int WSS_PORT_DEFAULT = 8443;

    public static final String WS_PATH_CONFIG = "mqtt.ws.path";
    public static final String WS_PATH_DOC = "HTTP path of the WebSocket upgrade (ws and wss); other paths get 404.";
    public static final String WS_PATH_DEFAULT = "/mqtt";

    public static final String WS_ALLOWED_ORIGINS_CONFIG = "mqtt.ws.allowed.origins";
    public static final String WS_ALLOWED_ORIGINS_DOC = "Origins (e.g. https://dashboard.example.com) whose web "
            + "pages may open a WebSocket to the broker; an upgrade from another Origin gets 403. Empty: any origin, "
            + "and requests without an Origin header (non-browser clients) are always let in.";
    public static final List<String> WS_ALLOWED_ORIGINS_DEFAULT = List.of();

    public static final String TLS_CERT_FILE_CONFIG = "tls.cert.file";
    public static final String TLS_CERT_FILE_DOC = "PEM file of the node's certificate chain, the node's own "
            + "certificate first; goes with tls.key.file. Read at start.";

    public static final String TLS_KEY_FILE_CONFIG = "tls.key.file";
    public static final String TLS_KEY_FILE_DOC = "PEM file of the private key of tls.cert.file, in PKCS#8 "
            + "(BEGIN PRIVATE KEY, or BEGIN ENCRYPTED PRIVATE KEY with tls.key.password).";

    public static final String TLS_KEY_PASSWORD_CONFIG = "tls.key.password";
    public static final String TLS_KEY_PASSWORD_DOC =
            "Password of an encrypted tls.key.file, or of the key in tls.keystore.file (default: its store password).";

    public static final String TLS_KEYSTORE_FILE_CONFIG = "tls.keystore.file";
    public static final String TLS_KEYSTORE_FILE_DOC = "PKCS12 keystore holding the node's key and certificate "
            + "chain, instead of tls.cert.file and tls.key.file.";

    public static final String TLS_KEYSTORE_PASSWORD_CONFIG = "tls.keystore.password";
    public static final String TLS_KEYSTORE_PASSWORD_DOC = "Password of tls.keystore.file.";

    public static final String TLS_PROTOCOLS_CONFIG = "tls.protocols";
    public static final String TLS_PROTOCOLS_DOC =
            "TLS versions offered, of TLSv1.3 and TLSv1.2 (older versions are never offered).";
    public static final List<String> TLS_PROTOCOLS_DEFAULT = List.of("TLSv1.3", "TLSv1.2");

    public static final String TLS_CIPHER_SUITES_CONFIG = "tls.cipher.suites";
    public static final String TLS_CIPHER_SUITES_DOC =
            "Cipher suites offered, by their standard names; empty: the TLS provider's defaults.";
    public static final List<String> TLS_CIPHER_SUITES_DEFAULT = List.of();

    public static final String TLS_CLIENT_AUTH_CONFIG = "tls.client.auth";
    public static final String TLS_CLIENT_AUTH_DOC = "Client certificates (mutual TLS): none (not asked for), "
            + "optional (asked for; a client without one may connect, one with an untrusted one may not) or required "
            + "(the handshake fails without a certificate signed by a CA of tls.ca.file).";
    public static final String TLS_CLIENT_AUTH_DEFAULT = "none";

    public static final String TLS_CA_FILE_CONFIG = "tls.ca.file";
    public static final String TLS_CA_FILE_DOC = "PEM file of the CA certificates client certificates must chain "
            + "to; needed when tls.client.auth is optional or required.";

    public static final String TLS_PRINCIPAL_MAPPING_RULES_CONFIG = "tls.principal.mapping.rules";
    public static final String TLS_PRINCIPAL_MAPPING_RULES_DOC = "How a client certificate's subject "
            + "(RFC 2253, e.g. CN=sensor-1,OU=plant,O=acme) becomes the principal the ACLs see, in the style of "
            + "Kafka's ssl.principal.mapping.rules: comma-separated rules tried in order, each "
            + "RULE:pattern/replacement/ with an optional L or U (lower or upper case) after the last slash, or "
            + "DEFAULT, which takes the subject's CN (Kafka's DEFAULT takes the whole subject). A certificate no rule "
            + "matches gives no principal.";
    public static final String TLS_PRINCIPAL_MAPPING_RULES_DEFAULT = "DEFAULT";

    public static final String TLS_PRINCIPAL_SOURCE_CONFIG = "tls.principal.source";
    public static final String TLS_PRINCIPAL_SOURCE_DOC = "What of a client certificate names its principal: subject "
            + "(tls.principal.mapping.rules read the subject; DEFAULT takes its CN), or the certificate's subject "
            + "alternative names of one type, san.dns, san.email (rfc822Name) or san.uri (e.g. a SPIFFE id): the "
            + "mapping rules read each such name in turn, DEFAULT takes it as it is, and the first name a rule maps "
            + "is the principal. A certificate without such a name gives no principal.";
    public static final String TLS_PRINCIPAL_SOURCE_DEFAULT = "subject";

    public static final String TLS_CERTIFICATE_AUTHENTICATES_CONFIG = "tls.client.certificate.authenticates";
    public static final String TLS_CERTIFICATE_AUTHENTICATES_DOC = "true: a client that presented a verified "
            + "certificate is authenticated as the certificate's principal without user name or password, also "
            + "under auth.mode=required (a user name and password it does send are checked, and then the user is "
            + "the principal). false: the certificate only secures the connection; clients log in as on plain TCP.";
    public static final boolean TLS_CERTIFICATE_AUTHENTICATES_DEFAULT = true;

    public static final String TLS_PROVIDER_CONFIG = "tls.provider";
    public static final String TLS_PROVIDER_DOC = "The TLS implementation of the listeners: auto (OpenSSL through "
            + "netty-tcnative-boringssl-static when its native library loads on this platform, else the JDK's), "
            + "openssl (refuse to start without it) or jdk. The node logs the one it uses.";
    public static final String TLS_PROVIDER_DEFAULT = "auto";

    public static final String TLS_RELOAD_INTERVAL_CONFIG = "tls.reload.interval.ms";
    public static final String TLS_RELOAD_INTERVAL_DOC = "How often the node looks whether the files of tls.cert.file, "
            + "tls.key.file, tls.keystore.file and tls.ca.file changed (content, not only the modification time). "
            + "When they did it builds a new TLS context: new handshakes use it, open connections stay. A new set "
            + "of files that does not make a context is logged once and the old context stays. 0: never reload.";
    public static final long TLS_RELOAD_INTERVAL_DEFAULT = 10_000L;

    private static final List<String> TLS_VERSIONS = List.of("TLSv1.3", "TLSv1.2"); // a List: a stable reference

    /** Defines this group's keys, in the order of the generated reference. */
    static void define(ConfigDef def) {
        BrokerConfigDef.Grouped g = new BrokerConfigDef.Grouped(def, GROUP);
        g.define(LISTENERS_CONFIG, Type.LIST, LISTENERS_DEFAULT, null, Importance.HIGH, LISTENERS_DOC);
        g.define(TLS_ENABLED_CONFIG, Type.BOOLEAN, TLS_ENABLED_DEFAULT, null, Importance.HIGH, TLS_ENABLED_DOC);
        g.define(TLS_PORT_CONFIG, Type.INT, TLS_PORT_DEFAULT, Range.between(0, 65535), Importance.HIGH, TLS_PORT_DOC);
        g.define(WS_ENABLED_CONFIG, Type.BOOLEAN, WS_ENABLED_DEFAULT, null, Importance.HIGH, WS_ENABLED_DOC);
        g.define(WS_PORT_CONFIG, Type.INT, WS_PORT_DEFAULT, Range.between(0, 65535), Importance.HIGH, WS_PORT_DOC);
        g.define(WSS_ENABLED_CONFIG, Type.BOOLEAN, WSS_ENABLED_DEFAULT, null, Importance.HIGH, WSS_ENABLED_DOC);
        g.define(WSS_PORT_CONFIG, Type.INT, WSS_PORT_DEFAULT, Range.between(0, 65535), Importance.HIGH, WSS_PORT_DOC);
        g.define(WS_PATH_CONFIG, Type.STRING, WS_PATH_DEFAULT, startsWithSlash(), Importance.LOW, WS_PATH_DOC);
        g.define(
                WS_ALLOWED_ORIGINS_CONFIG,
                Type.LIST,
                WS_ALLOWED_ORIGINS_DEFAULT,
                null,
                Importance.MEDIUM,
                WS_ALLOWED_ORIGINS_DOC);
        g.define(TLS_CERT_FILE_CONFIG, Type.STRING, "", null, Importance.HIGH, TLS_CERT_FILE_DOC);
        g.define(TLS_KEY_FILE_CONFIG, Type.STRING, "", null, Importance.HIGH, TLS_KEY_FILE_DOC);
        g.define(TLS_KEY_PASSWORD_CONFIG, Type.PASSWORD, null, null, Importance.MEDIUM, TLS_KEY_PASSWORD_DOC);
        g.define(TLS_KEYSTORE_FILE_CONFIG, Type.STRING, "", null, Importance.HIGH, TLS_KEYSTORE_FILE_DOC);
        g.define(TLS_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, null, Importance.MEDIUM, TLS_KEYSTORE_PASSWORD_DOC);
        g.define(
                TLS_PROTOCOLS_CONFIG,
                Type.LIST,
                TLS_PROTOCOLS_DEFAULT,
                ConfigDef.ValidList.in(TLS_VERSIONS.toArray(String[]::new)),
                Importance.MEDIUM,
                TLS_PROTOCOLS_DOC);
        g.define(
                TLS_CIPHER_SUITES_CONFIG,
                Type.LIST,
                TLS_CIPHER_SUITES_DEFAULT,
                null,
                Importance.LOW,
                TLS_CIPHER_SUITES_DOC);
        g.define(
                TLS_CLIENT_AUTH_CONFIG,
                Type.STRING,
                TLS_CLIENT_AUTH_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("none", "optional", "required"),
                Importance.HIGH,
                TLS_CLIENT_AUTH_DOC);
        g.define(TLS_CA_FILE_CONFIG, Type.STRING, "", null, Importance.HIGH, TLS_CA_FILE_DOC);
        g.define(
                TLS_PROVIDER_CONFIG,
                Type.STRING,
                TLS_PROVIDER_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("auto", "openssl", "jdk"),
                Importance.MEDIUM,
                TLS_PROVIDER_DOC);
        g.define(
                TLS_RELOAD_INTERVAL_CONFIG,
                Type.LONG,
                TLS_RELOAD_INTERVAL_DEFAULT,
                Range.atLeast(0),
                Importance.MEDIUM,
                TLS_RELOAD_INTERVAL_DOC);
        g.define(
                TLS_PRINCIPAL_MAPPING_RULES_CONFIG,
                Type.STRING,
                TLS_PRINCIPAL_MAPPING_RULES_DEFAULT,
                null,
                Importance.MEDIUM,
                TLS_PRINCIPAL_MAPPING_RULES_DOC);
        g.define(
                TLS_PRINCIPAL_SOURCE_CONFIG,
                Type.STRING,
                TLS_PRINCIPAL_SOURCE_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("subject", "san.dns", "san.email", "san.uri"),
                Importance.MEDIUM,
                TLS_PRINCIPAL_SOURCE_DOC);
        g.define(
                TLS_CERTIFICATE_AUTHENTICATES_CONFIG,
                Type.BOOLEAN,
                TLS_CERTIFICATE_AUTHENTICATES_DEFAULT,
                null,
                Importance.MEDIUM,
                TLS_CERTIFICATE_AUTHENTICATES_DOC);
    }

    /** The settings that define listeners when {@code listeners} is empty, and may not be set beside it. */
    private static final List<String> SHORTHAND = List.of(
            BrokerConfig.MQTT_PORT_CONFIG,
            BrokerConfig.MQTT_BIND_CONFIG,
            TLS_ENABLED_CONFIG,
            TLS_PORT_CONFIG,
            WS_ENABLED_CONFIG,
            WS_PORT_CONFIG,
            WSS_ENABLED_CONFIG,
            WSS_PORT_CONFIG);

    /**
     * The node's MQTT listeners: the entries of {@code listeners}, or else the plain listener of {@code mqtt.port}
     * and the TLS and WebSocket listeners that are on, all on {@code mqtt.bind}. Plain TCP first when there is one.
     */
    public static List<ListenerAddress> listeners(BrokerConfig config) {
        String wsPath = config.getString(WS_PATH_CONFIG);
        List<ListenerAddress> listed = ListenerAddress.parseAll(config.getList(LISTENERS_CONFIG), wsPath);
        if (!listed.isEmpty()) {
            return listed.stream()
                    .sorted(Comparator.comparing(a -> a.transport() != ListenerAddress.Transport.TCP))
                    .toList();
        }
        String bind = config.getString(BrokerConfig.MQTT_BIND_CONFIG);
        List<ListenerAddress> out = new ArrayList<>();
        out.add(shorthand(
                ListenerAddress.Transport.TCP,
                bind,
                config.getInt(BrokerConfig.MQTT_PORT_CONFIG),
                "",
                BrokerConfig.MQTT_PORT_CONFIG + ", --mqtt-port"));
        if (config.getBoolean(TLS_ENABLED_CONFIG)) {
            out.add(shorthand(
                    ListenerAddress.Transport.TLS, bind, config.getInt(TLS_PORT_CONFIG), "", TLS_PORT_CONFIG));
        }
        if (config.getBoolean(WS_ENABLED_CONFIG)) {
            out.add(shorthand(
                    ListenerAddress.Transport.WS, bind, config.getInt(WS_PORT_CONFIG), wsPath, WS_PORT_CONFIG));
        }
        if (config.getBoolean(WSS_ENABLED_CONFIG)) {
            out.add(shorthand(
                    ListenerAddress.Transport.WSS, bind, config.getInt(WSS_PORT_CONFIG), wsPath, WSS_PORT_CONFIG));
        }
        return out;
    }

    private static ListenerAddress shorthand(
            ListenerAddress.Transport transport, String bind, int port, String path, String setting) {
        return new ListenerAddress(transport, bind, port, path, setting);
    }

    /** Whether some listener serves TLS. */
    public static boolean tlsInUse(BrokerConfig config) {
        return listeners(config).stream().anyMatch(a -> a.transport().tls());
    }

    /** Whether clients are asked for certificates (on a TLS listener that is on). */
    public static boolean clientCertificatesAsked(BrokerConfig config) {
        return tlsInUse(config) && !"none".equalsIgnoreCase(config.getString(TLS_CLIENT_AUTH_CONFIG));
    }

    /** The checks across these settings; the files themselves are read when the listeners bind. */
    static void validate(BrokerConfig config) {
        if (!ListenerAddress.parseAll(config.getList(LISTENERS_CONFIG), "/").isEmpty()) {
            List<String> alsoSet =
                    SHORTHAND.stream().filter(config.originals()::containsKey).toList();
            if (!alsoSet.isEmpty()) {
                throw new ConfigException(LISTENERS_CONFIG + " (--listeners) names every MQTT listener, so the "
                        + "shorthand " + String.join(", ", alsoSet) + " may not be set beside it (--mqtt-port and "
                        + "--bind set mqtt.port and mqtt.bind): write those listeners into " + LISTENERS_CONFIG);
            }
        }
        if (!tlsInUse(config)) {
            return;
        }
        boolean pem = !config.getString(TLS_CERT_FILE_CONFIG).isBlank()
                || !config.getString(TLS_KEY_FILE_CONFIG).isBlank();
        boolean keystore = !config.getString(TLS_KEYSTORE_FILE_CONFIG).isBlank();
        if (pem == keystore) {
            throw new ConfigException("a TLS listener (" + TLS_ENABLED_CONFIG + ", " + WSS_ENABLED_CONFIG
                    + ", a tls or wss entry of " + LISTENERS_CONFIG + ") needs either " + TLS_CERT_FILE_CONFIG + " and "
                    + TLS_KEY_FILE_CONFIG + ", or "
                    + TLS_KEYSTORE_FILE_CONFIG + " (one of the two)");
        }
        if (pem
                && (config.getString(TLS_CERT_FILE_CONFIG).isBlank()
                        || config.getString(TLS_KEY_FILE_CONFIG).isBlank())) {
            throw new ConfigException(TLS_CERT_FILE_CONFIG + " and " + TLS_KEY_FILE_CONFIG + " go together");
        }
        if (clientCertificatesAsked(config)
                && config.getString(TLS_CA_FILE_CONFIG).isBlank()) {
            throw new ConfigException(TLS_CLIENT_AUTH_CONFIG + "=" + config.getString(TLS_CLIENT_AUTH_CONFIG)
                    + " needs " + TLS_CA_FILE_CONFIG + " (the CAs client certificates must chain to)");
        }
        if (config.getList(TLS_PROTOCOLS_CONFIG).isEmpty()) {
            throw new ConfigException(TLS_PROTOCOLS_CONFIG, "", "names no TLS version");
        }
    }

    private static ConfigDef.Validator startsWithSlash() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (!(value instanceof String s) || !s.startsWith("/")) {
                    throw new ConfigException(name, value, "must start with /");
                }
            }

            @Override
            public String toString() {
                return "a path starting with /"; // shown in the generated reference
            }
        };
    }
}
