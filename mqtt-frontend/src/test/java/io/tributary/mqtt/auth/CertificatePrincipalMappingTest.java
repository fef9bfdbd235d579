/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
