/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tributary.mqtt.config.ListenerAddress.Transport;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The {@code listeners} URL form, and how it stands beside the shorthand settings. */
class ListenerAddressTest {

    @Test
    void everySchemeMapsOntoItsTransportHostPortAndPath() {
        List<ListenerAddress> all = ListenerAddress.parseAll(
                List.of(
                        "tcp://127.0.0.1:1883",
                        " tls://0.0.0.0:8883",
                        "ws://localhost:8080/mqtt",
                        "wss://[::1]:8443",
                        "WS://127.0.0.1:0/"),
                "/default");
        assertThat(all)
                .extracting(ListenerAddress::transport, ListenerAddress::host, ListenerAddress::port, a -> a.path())
                .containsExactly(
                        tuple(Transport.TCP, "127.0.0.1", 1883, ""),
                        tuple(Transport.TLS, "0.0.0.0", 8883, ""),
                        tuple(Transport.WS, "localhost", 8080, "/mqtt"),
                        tuple(Transport.WSS, "::1", 8443, "/default"),
                        tuple(Transport.WS, "127.0.0.1", 0, "/default"));
        assertThat(all.get(1).setting()).isEqualTo("listeners entry tls://0.0.0.0:8883");
    }

    @Test
    void aMalformedUrlOrAnUnknownSchemeIsAConfigErrorNamingIt() {
        assertThatThrownBy(() -> config(Map.of(LISTENERS_CONFIG, "tcp://127.0.0.1:1883,mqtt+ssl://h:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt+ssl://h:1")
                .hasMessageContaining("unknown scheme 'mqtt+ssl'")
                .hasMessageContaining("tcp, tls, ws, wss");
        assertThatThrownBy(() -> config(Map.of(LISTENERS_CONFIG, "tcp://127.0.0.1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tcp://127.0.0.1")
                .hasMessageContaining("scheme://host:port");
        assertThatThrownBy(() -> config(Map.of(LISTENERS_CONFIG, "127.0.0.1:1883")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("127.0.0.1:1883");
        assertThatThrownBy(() -> config(Map.of(LISTENERS_CONFIG, "tcp://h:99999")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tcp://h:99999");
        assertThatThrownBy(() -> config(Map.of(LISTENERS_CONFIG, "tls://h:8883/mqtt")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only ws and wss listeners have a path");
    }

    @Test
    void theShorthandBesideListenersIsRefusedNamingIt() {
        assertThatThrownBy(() -> config(Map.of(
                        LISTENERS_CONFIG,
                        "tcp://127.0.0.1:1883",
                        BrokerConfig.MQTT_PORT_CONFIG,
                        "1884",
                        WS_ENABLED_CONFIG,
                        "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.port")
                .hasMessageContaining("mqtt.ws.enabled")
                .hasMessageContaining("--mqtt-port");
    }

    @Test
    void listenersPutPlainTcpFirstAndTurnTlsOn() {
        BrokerConfig config = config(Map.of(
                LISTENERS_CONFIG,
                "wss://127.0.0.1:8443/mqtt,tcp://127.0.0.1:1883",
                TLS_CERT_FILE_CONFIG,
                "c.pem",
                TLS_KEY_FILE_CONFIG,
                "k.pem"));
        assertThat(listeners(config))
                .extracting(ListenerAddress::transport)
                .containsExactly(Transport.TCP, Transport.WSS);
        assertThat(tlsInUse(config)).isTrue();
        // A tls entry needs key material like mqtt.tls.enabled does.
        assertThatThrownBy(() -> config(Map.of(LISTENERS_CONFIG, "tls://127.0.0.1:8883")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_CERT_FILE_CONFIG);
    }

    @Test
    void withoutListenersTheShorthandDefinesThem() {
        BrokerConfig config = config(Map.of(
                BrokerConfig.MQTT_PORT_CONFIG,
                "1999",
                BrokerConfig.MQTT_BIND_CONFIG,
                "0.0.0.0",
                WS_ENABLED_CONFIG,
                "true"));
        assertThat(listeners(config))
                .extracting(ListenerAddress::transport, ListenerAddress::host, ListenerAddress::port, a -> a.path())
                .containsExactly(
                        tuple(Transport.TCP, "0.0.0.0", 1999, ""),
                        tuple(Transport.WS, "0.0.0.0", WS_PORT_DEFAULT, "/mqtt"));
        assertThat(tlsInUse(config)).isFalse();
    }

    private static BrokerConfig config(Map<String, String> settings) {
        return new BrokerConfig(settings);
    }
}
