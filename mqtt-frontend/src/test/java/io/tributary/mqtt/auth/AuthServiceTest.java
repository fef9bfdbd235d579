/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ListenerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** auth.mode and auth.users.file: what a node offers, and password checks off the event loop. */
class AuthServiceTest {

    private static BrokerConfig config(Map<String, Object> settings) {
        return new BrokerConfig(settings);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void defaultIsAnonymousWithoutEnhancedMethods() {
        AuthService auth = AuthService.fromConfig(config(Map.of()));
        assertThat(auth.required()).isFalse();
        assertThat(auth.checksPasswords()).isFalse();
        assertThat(auth.method("SCRAM-SHA-256")).isNull();
    }

    @Test
    void requiredWithoutAnyUserRefusesEveryoneAndBadModesAreConfigurationErrors() {
        // Users may come from the cluster metadata alone, so required mode without a file is valid: with no
        // user anywhere nobody gets in, and no enhanced method is offered.
        AuthService none = AuthService.fromConfig(config(Map.of(BrokerConfig.AUTH_MODE_CONFIG, "required")));
        assertThat(none.required()).isTrue();
        assertThat(none.checksPasswords()).isFalse();
        assertThat(none.method("SCRAM-SHA-256")).isNull();
        assertThatThrownBy(() -> config(Map.of(BrokerConfig.AUTH_MODE_CONFIG, "sometimes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.mode");
    }

    @Test
    void missingOrBadUsersFileNamesTheSetting(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> AuthService.fromConfig(config(Map.of(
                        BrokerConfig.AUTH_USERS_FILE_CONFIG,
                        dir.resolve("none.txt").toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.users.file");
        Path bad = Files.writeString(dir.resolve("bad.txt"), "alice:plaintext\n");
        assertThatThrownBy(() ->
                        AuthService.fromConfig(config(Map.of(BrokerConfig.AUTH_USERS_FILE_CONFIG, bad.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void usersFileOffersScramAndChecksPasswordsOffTheCallersThread(@TempDir Path dir) throws Exception {
        Path users = Files.write(
                dir.resolve("users.txt"),
                List.of(CredentialsFile.line("alice", ScramCredential.fromPassword("pw", 4096))));
        try (AuthService auth = AuthService.fromConfig(config(Map.of(
                BrokerConfig.AUTH_MODE_CONFIG, "REQUIRED", BrokerConfig.AUTH_USERS_FILE_CONFIG, users.toString())))) {
            assertThat(auth.required()).isTrue();
            assertThat(auth.method("SCRAM-SHA-256")).isInstanceOf(ScramSha256Authenticator.class);
            assertThat(auth.verifyPassword("alice", utf8("pw")).get()).isTrue();
            assertThat(auth.verifyPassword("alice", utf8("PW")).get()).isFalse();
            assertThat(auth.verifyPassword("alice", new byte[0]).get()).isFalse();
            assertThat(auth.verifyPassword("bob", utf8("pw")).get()).isFalse();
        }
    }

    @Test
    void clientIdMustMatchIsReadFromTheConfiguration(@TempDir Path dir) throws Exception {
        Path users = Files.write(
                dir.resolve("users.txt"),
                List.of(CredentialsFile.line("alice", ScramCredential.fromPassword("pw", 4096))));
        try (AuthService auth = AuthService.fromConfig(config(Map.of(
                BrokerConfig.AUTH_MODE_CONFIG,
                "required",
                BrokerConfig.AUTH_USERS_FILE_CONFIG,
                users.toString(),
                BrokerConfig.AUTH_CLIENT_ID_MUST_MATCH_CONFIG,
                "Prefix")))) {
            assertThat(auth.clientIdRefused("alice-1", "alice")).isNull();
            assertThat(auth.clientIdRefused("bob-1", "alice"))
                    .isEqualTo("client id 'bob-1' does not start with user name 'alice' "
                            + "(auth.client-id.must-match=prefix)");
            assertThat(auth.clientIdRefused("bob-1", null)).isNull(); // anonymous clients are not bound
        }
        assertThat(AuthService.fromConfig(config(Map.of())).clientIdRefused("x", "alice"))
                .isNull(); // the default: none
        assertThatThrownBy(() -> config(Map.of(BrokerConfig.AUTH_CLIENT_ID_MUST_MATCH_CONFIG, "suffix")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void passwordIsCheckedOnTheHashingPoolNotTheCallersThread() throws Exception {
        ScramCredential alice = ScramCredential.fromPassword("pw", 4096);
        String[] lookedUpOn = new String[1];
        try (AuthService auth = AuthService.withUsers(AuthService.Mode.REQUIRED, user -> {
            lookedUpOn[0] = Thread.currentThread().getName();
            return alice;
        })) {
            assertThat(auth.verifyPassword("alice", utf8("pw")).get()).isTrue();
            assertThat(lookedUpOn[0]).isEqualTo("tributary-auth-hashing");
        }
    }

    private static Map<String, Object> mutualTls(String clientAuth, boolean certificateAuthenticates) {
        return Map.of(
                BrokerConfig.AUTH_MODE_CONFIG, "required",
                ListenerSettings.TLS_ENABLED_CONFIG, "true",
                ListenerSettings.TLS_CERT_FILE_CONFIG, "node.pem",
                ListenerSettings.TLS_KEY_FILE_CONFIG, "node-key.pem",
                ListenerSettings.TLS_CA_FILE_CONFIG, "ca.pem",
                ListenerSettings.TLS_CLIENT_AUTH_CONFIG, clientAuth,
                ListenerSettings.TLS_PRINCIPAL_MAPPING_RULES_CONFIG, "RULE:^CN=([^,]+),O=acme$/acme-$1/L, DEFAULT",
                ListenerSettings.TLS_CERTIFICATE_AUTHENTICATES_CONFIG, String.valueOf(certificateAuthenticates));
    }

    @Test
    void aVerifiedCertificateAuthenticatesItsMappedPrincipalOnlyWhenClientsAreAskedAndItIsAllowed() {
        AuthService mutual = AuthService.fromConfig(config(mutualTls("required", true)));
        assertThat(mutual.certificatePrincipal("CN=Sensor-1,O=acme")).isEqualTo("acme-sensor-1");
        assertThat(mutual.certificatePrincipal("CN=gw,O=other")).isEqualTo("gw");
        assertThat(AuthService.fromConfig(config(mutualTls("optional", true))).certificatePrincipal("CN=gw"))
                .isEqualTo("gw");
        // tls.client.certificate.authenticates=false: the certificate secures the connection only.
        assertThat(AuthService.fromConfig(config(mutualTls("required", false))).certificatePrincipal("CN=gw"))
                .isNull();
        // No client certificates asked for: none can authenticate.
        assertThat(AuthService.fromConfig(config(mutualTls("none", true))).certificatePrincipal("CN=gw"))
                .isNull();
    }

    @Test
    void badPrincipalMappingRulesAreAConfigurationErrorNamingTheSetting() {
        Map<String, Object> settings = new java.util.HashMap<>(mutualTls("required", true));
        settings.put(ListenerSettings.TLS_PRINCIPAL_MAPPING_RULES_CONFIG, "CN");
        assertThatThrownBy(() -> AuthService.fromConfig(config(settings)))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining(ListenerSettings.TLS_PRINCIPAL_MAPPING_RULES_CONFIG);
    }
}
