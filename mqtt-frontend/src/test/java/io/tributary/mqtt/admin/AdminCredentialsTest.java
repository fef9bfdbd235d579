/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.auth.CredentialsFile;
import io.tributary.mqtt.auth.Scram;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.config.AdminApiSettings;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ListenerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the admin API judges an Authorization header, and where the CLI finds its credentials. */
class AdminCredentialsTest {

    static final AuthService USERS = AuthService.withUsers(
            AuthService.Mode.NONE,
            CredentialsFile.parse(
                    List.of(
                            CredentialsFile.line("root", ScramCredential.fromPassword("root-pw", Scram.MIN_ITERATIONS)),
                            CredentialsFile.line("bob", ScramCredential.fromPassword("bob-pw", Scram.MIN_ITERATIONS))),
                    "test"));
    static final AdminCredentials CREDENTIALS = new AdminCredentials(Set.of("t0ken"), Set.of("root"), USERS);

    @AfterAll
    static void stopHashing() {
        USERS.close();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tokensAndAdminUsersAreAdministratorsOtherUsersAreForbidden() {
        assertThat(CREDENTIALS.judge("Bearer t0ken")).isInstanceOf(AdminCredentials.Verdict.Admin.class);
        assertThat(CREDENTIALS.judge("bearer t0ken")).isInstanceOf(AdminCredentials.Verdict.Admin.class);
        assertThat(CREDENTIALS.judge(basic("root", "root-pw"))).isInstanceOf(AdminCredentials.Verdict.Admin.class);
        assertThat(CREDENTIALS.judge(basic("bob", "bob-pw")))
                .isEqualTo(new AdminCredentials.Verdict.Forbidden("user bob"));
    }

    @Test
    void missingMalformedAndWrongCredentialsAreUnauthenticated() {
        for (String header : new String[] {
            null, "", "Bearer", "Bearer t0ken2", "Basic !!!", basic("root", "wrong"), basic("nobody", "x"), "Digest a"
        }) {
            assertThat(CREDENTIALS.judge(header))
                    .as(header)
                    .isInstanceOf(AdminCredentials.Verdict.Unauthenticated.class);
        }
    }

    @Test
    void aNodeWithoutConfiguredCredentialsGeneratesAndKeepsItsToken(@TempDir Path dir) throws Exception {
        BrokerConfig config = new BrokerConfig(
                Map.of(BrokerConfig.DATA_DIR_CONFIG, dir.resolve("data").toString()));
        AdminCredentials first = AdminCredentials.fromConfig(config, USERS);
        Path file = dir.resolve("data").resolve(AdminApiSettings.GENERATED_TOKEN_FILE);
        String token = Files.readString(file).strip();
        assertThat(first.judge("Bearer " + token)).isInstanceOf(AdminCredentials.Verdict.Admin.class);
        AdminCredentials restarted = AdminCredentials.fromConfig(config, USERS);
        assertThat(restarted.judge("Bearer " + token)).isInstanceOf(AdminCredentials.Verdict.Admin.class);
        assertThat(Files.readString(file).strip()).isEqualTo(token);
    }

    @Test
    void aTokenFileIsReadAndAnEmptyOneFailsTheStart(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "# ops\n\n  first  \nsecond\n");
        AdminCredentials c = AdminCredentials.fromConfig(
                new BrokerConfig(Map.of(AdminApiSettings.TOKEN_FILE_CONFIG, tokens.toString())), USERS);
        assertThat(c.judge("Bearer first")).isInstanceOf(AdminCredentials.Verdict.Admin.class);
        assertThat(c.judge("Bearer second")).isInstanceOf(AdminCredentials.Verdict.Admin.class);
        Path empty = Files.writeString(dir.resolve("empty"), "# nothing\n");
        assertThatThrownBy(() -> AdminCredentials.fromConfig(
                        new BrokerConfig(Map.of(AdminApiSettings.TOKEN_FILE_CONFIG, empty.toString())), USERS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AdminApiSettings.TOKEN_FILE_CONFIG);
    }

    @Test
    void httpsNeedsTheNodesKeyMaterial() {
        assertThatThrownBy(() -> new BrokerConfig(Map.of(AdminApiSettings.TLS_ENABLED_CONFIG, "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ListenerSettings.TLS_CERT_FILE_CONFIG);
    }

    @Test
    void theCliTakesTheFirstCredentialItFinds(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("t"), "# c\nfrom-file\n");
        Map<String, String> env =
                Map.of(AdminApiClient.TOKEN_ENV, "from-env", AdminApiClient.PASSWORD_ENV, "pw-from-env");
        assertThat(AdminApiClient.authorization(new AdminApiClient.Options("flag", tokenFile, null, null, null), env))
                .isEqualTo("Bearer flag");
        assertThat(AdminApiClient.authorization(new AdminApiClient.Options(null, tokenFile, null, null, null), env))
                .isEqualTo("Bearer from-file");
        assertThat(AdminApiClient.authorization(new AdminApiClient.Options(null, null, "root", null, null), env))
                .isEqualTo(basic("root", "pw-from-env"));
        assertThat(AdminApiClient.authorization(new AdminApiClient.Options(null, null, null, null, null), env))
                .isEqualTo("Bearer from-env");
        assertThatThrownBy(() -> AdminApiClient.authorization(
                        new AdminApiClient.Options(null, null, "root", null, null), Map.of()))
                .hasMessageContaining(AdminApiClient.PASSWORD_ENV);
    }
}
