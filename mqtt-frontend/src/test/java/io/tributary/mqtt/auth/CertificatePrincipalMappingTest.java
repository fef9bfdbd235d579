/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.auth.CertificatePrincipalMapping.Source;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class CertificatePrincipalMappingTest {

    @Test
    void defaultTakesTheCommonName() {
        CertificatePrincipalMapping mapping = CertificatePrincipalMapping.parse("DEFAULT");
        assertThat(mapping.principalOf("CN=sensor-1,OU=plant,O=acme")).isEqualTo("sensor-1");
        assertThat(mapping.principalOf("OU=plant,O=acme")).isNull();
    }

    @Test
    void rulesAreTriedInOrderAndMayChangeCase() {
        CertificatePrincipalMapping mapping = CertificatePrincipalMapping.parse(
                "RULE:^CN=([^,]+),OU=Plant\\/North,.*$/north-$1/L, RULE:^CN=([^,]+),O=acme$/$1@acme/U, DEFAULT");
        assertThat(mapping.principalOf("CN=Sensor-1,OU=Plant/North,O=acme")).isEqualTo("north-sensor-1");
        assertThat(mapping.principalOf("CN=gw,O=acme")).isEqualTo("GW@ACME");
        assertThat(mapping.principalOf("CN=other,O=elsewhere")).isEqualTo("other");
    }

    @Test
    void aCertificateNoRuleMatchesHasNoPrincipal() {
        assertThat(CertificatePrincipalMapping.parse("RULE:^CN=(.*),O=acme$/$1/")
                        .principalOf("CN=x,O=evil"))
                .isNull();
    }

    @Test
    void somethingThatIsNotARuleIsRefusedNamingIt() {
        assertThatThrownBy(() -> CertificatePrincipalMapping.parse("DEFAULT, CN"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'CN'");
        assertThatThrownBy(() -> CertificatePrincipalMapping.parse("RULE:([/x/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad pattern");
    }

    /** A certificate made by keytool with a subject and every kind of SAN the source can read. */
    static X509Certificate withNames(String commonName, String names) throws Exception {
        TestCertificates.Issued issued = CA.clientWithNames(commonName, names);
        try (InputStream in = Files.newInputStream(issued.certPem())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static final TestCertificates CA = TestCertificates.authority("san-test-ca");

    @Test
    void aSanSourceTakesTheFirstNameOfItsTypeAsItIsWithDefault() throws Exception {
        X509Certificate cert = withNames(
                "subject-cn",
                "dns:dev-1.plant.acme.test,dns:other.acme.test,email:dev-1@acme.test,"
                        + "uri:spiffe://acme.test/device/dev-1,ip:10.0.0.1");
        assertThat(CertificatePrincipalMapping.parse("DEFAULT").principalOf(cert))
                .isEqualTo("subject-cn");
        assertThat(CertificatePrincipalMapping.parse("DEFAULT", Source.SAN_DNS).principalOf(cert))
                .isEqualTo("dev-1.plant.acme.test");
        assertThat(CertificatePrincipalMapping.parse("DEFAULT", Source.SAN_EMAIL)
                        .principalOf(cert))
                .isEqualTo("dev-1@acme.test");
        assertThat(CertificatePrincipalMapping.parse("DEFAULT", Source.SAN_URI).principalOf(cert))
                .isEqualTo("spiffe://acme.test/device/dev-1");
    }

    @Test
    void rulesReadEachSanInTurnAndTheFirstMappedOneWins() throws Exception {
        X509Certificate cert =
                withNames("ignored", "uri:https://acme.test/not-a-device,uri:spiffe://acme.test/device/Dev-7");
        CertificatePrincipalMapping spiffe = CertificatePrincipalMapping.parse(
                "RULE:^spiffe:\\/\\/acme\\.test\\/device\\/(.*)$/$1/L", Source.SAN_URI);
        assertThat(spiffe.principalOf(cert)).isEqualTo("dev-7");
        // No name of the type, or none a rule maps: no principal (the subject is not a fallback).
        X509Certificate noUri = withNames("plain", "dns:plain.acme.test");
        assertThat(spiffe.principalOf(noUri)).isNull();
        assertThat(CertificatePrincipalMapping.parse("DEFAULT", Source.SAN_EMAIL)
                        .principalOf(noUri))
                .isNull();
    }

    @Test
    void theSourceIsNamedInTheSettingsWay() {
        assertThat(Source.of("san.uri")).isEqualTo(Source.SAN_URI);
        assertThat(Source.of("SUBJECT")).isEqualTo(Source.SUBJECT);
        assertThatThrownBy(() -> Source.of("san.ip")).isInstanceOf(IllegalArgumentException.class);
    }
}
