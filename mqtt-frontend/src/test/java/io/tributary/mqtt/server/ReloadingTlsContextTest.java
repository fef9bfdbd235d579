/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.LogLines;
import io.tributary.mqtt.testing.TestCertificates;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Certificate files that change are read again; files that do not make a context leave the old one in force. */
class ReloadingTlsContextTest {

    static Map<String, Object> settings(TestCertificates.Issued node) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LISTENERS_CONFIG, "tls://127.0.0.1:0");
        settings.put(TLS_CERT_FILE_CONFIG, node.certPem().toString());
        settings.put(TLS_KEY_FILE_CONFIG, node.keyPem().toString());
        settings.put(TLS_RELOAD_INTERVAL_CONFIG, "0"); // the test looks at the files itself
        return settings;
    }

    @Test
    void aRenewedCertificateIsTakenOnceItsFilesHaveSettled() {
        TestCertificates ca = TestCertificates.authority("reload-unit-ca");
        TestCertificates.Issued node = ca.server("reload-node");
        try (ReloadingTlsContext tls = ReloadingTlsContext.start(new BrokerConfig(settings(node)))) {
            BigInteger first = tls.certificate().getSerialNumber();
            SslContext firstContext = tls.get();
            tls.lookAtFiles();
            assertThat(tls.get()).isSameAs(firstContext); // nothing changed

            ca.renewServer("reload-node"); // writes the same two files anew
            tls.lookAtFiles(); // changed since the last look: wait one more look for the writer to finish
            assertThat(tls.certificate().getSerialNumber()).isEqualTo(first);
            tls.lookAtFiles();
            assertThat(tls.certificate().getSerialNumber()).isNotEqualTo(first);
            assertThat(tls.get()).isNotSameAs(firstContext);
        }
    }

    @Test
    void filesThatDoNotMakeAContextKeepTheOldOneAndAreLoggedOnce() throws Exception {
        TestCertificates ca = TestCertificates.authority("reload-broken-ca");
        TestCertificates.Issued node = ca.server("reload-broken-node");
        try (ReloadingTlsContext tls = ReloadingTlsContext.start(new BrokerConfig(settings(node)));
                LogLines log = LogLines.of("io.tributary.mqtt.server")) {
            SslContext before = tls.get();
            Files.writeString(node.certPem(), "not a certificate\n");
            for (int i = 0; i < 4; i++) {
                tls.lookAtFiles();
            }
            assertThat(tls.get()).isSameAs(before);
            assertThat(log.containing("previous certificate stays in use"))
                    .hasSize(1)
                    .first()
                    .asString()
                    .startsWith("ERROR")
                    .contains(TLS_CERT_FILE_CONFIG)
                    .contains(node.certPem().toString());
        }
    }

    @Test
    void theProviderIsTheOneAskedFor() {
        TestCertificates ca = TestCertificates.authority("provider-ca");
        TestCertificates.Issued node = ca.server("provider-node");
        Map<String, Object> jdk = settings(node);
        jdk.put(TLS_PROVIDER_CONFIG, "jdk");
        try (ReloadingTlsContext tls = ReloadingTlsContext.start(new BrokerConfig(jdk))) {
            assertThat(tls.provider()).isEqualTo(SslProvider.JDK);
        }
        // netty-tcnative-boringssl-static is a dependency: on linux-x86_64 (the build and CI) OpenSSL loads.
        assertThat(OpenSsl.isAvailable())
                .as("OpenSSL: %s", OpenSsl.unavailabilityCause())
                .isTrue();
        Map<String, Object> openssl = settings(node);
        openssl.put(TLS_PROVIDER_CONFIG, "openssl");
        try (ReloadingTlsContext tls = ReloadingTlsContext.start(new BrokerConfig(openssl))) {
            assertThat(tls.provider()).isEqualTo(SslProvider.OPENSSL);
        }
        try (ReloadingTlsContext tls = ReloadingTlsContext.start(new BrokerConfig(settings(node)))) {
            assertThat(tls.provider()).isEqualTo(SslProvider.OPENSSL); // auto
        }
        Map<String, Object> bogus = settings(node);
        bogus.put(TLS_PROVIDER_CONFIG, "gnutls");
        assertThatThrownBy(() -> new BrokerConfig(bogus))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_PROVIDER_CONFIG);
    }
}
