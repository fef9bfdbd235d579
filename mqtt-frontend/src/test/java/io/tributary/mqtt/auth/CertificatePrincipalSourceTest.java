/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code tls.principal.source} reaches the principal a verified client certificate authenticates. */
class CertificatePrincipalSourceTest {

    static Map<String, Object> mutualTls(String source, String rules) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LISTENERS_CONFIG, "tls://127.0.0.1:0");
        settings.put(TLS_CERT_FILE_CONFIG, "node.pem");
        settings.put(TLS_KEY_FILE_CONFIG, "node-key.pem");
        settings.put(TLS_CA_FILE_CONFIG, "ca.pem");
        settings.put(TLS_CLIENT_AUTH_CONFIG, "required");
        settings.put(TLS_PRINCIPAL_SOURCE_CONFIG, source);
        settings.put(TLS_PRINCIPAL_MAPPING_RULES_CONFIG, rules);
        return settings;
    }

    @Test
    void theSourceSettingPicksSubjectOrASanType() throws Exception {
        TestCertificates ca = TestCertificates.authority("source-test-ca");
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(
                ca.clientWithNames("cn-name", "dns:dev.acme.test,email:ops@acme.test,uri:spiffe://acme.test/device/d-9")
                        .certPem())) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(principal("subject", "DEFAULT", cert)).isEqualTo("cn-name");
        assertThat(principal("san.dns", "DEFAULT", cert)).isEqualTo("dev.acme.test");
        assertThat(principal("SAN.EMAIL", "RULE:^([^@]+)@acme\\.test$/$1/U", cert))
                .isEqualTo("OPS");
        assertThat(principal("san.uri", "RULE:^spiffe:\\/\\/acme\\.test\\/device\\/(.+)$/$1/", cert))
                .isEqualTo("d-9");
        assertThatThrownBy(() -> new BrokerConfig(mutualTls("san.ip", "DEFAULT")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_PRINCIPAL_SOURCE_CONFIG);
    }

    private static String principal(String source, String rules, X509Certificate cert) {
        return AuthService.fromConfig(new BrokerConfig(mutualTls(source, rules)))
                .certificatePrincipal(cert);
    }
}
