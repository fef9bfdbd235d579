/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The auth.users.file format: what bin/tributary passwd writes is read back; bad lines are named. */
class CredentialsFileTest {

    private static final ScramCredential C = ScramCredential.fromPassword("secret", 4096);

    @Test
    void writtenLinesAreReadBackWithCommentsAndBlankLinesIgnored() {
        ScramCredential other = ScramCredential.fromPassword("other", 5000);
        CredentialsFile file = CredentialsFile.parse(
                List.of(
                        "# users",
                        "",
                        CredentialsFile.line("alice", C),
                        "  " + CredentialsFile.line("bob", other) + "  "),
                "users.txt");
        assertThat(file.size()).isEqualTo(2);
        assertThat(file.credential("alice")).isEqualTo(C);
        assertThat(file.credential("bob")).isEqualTo(other);
        assertThat(file.credential("carol")).isNull();
        assertThat(file.credential("alice").matches("secret")).isTrue();
    }

    @Test
    void lineHoldsNoPassword() {
        String line = CredentialsFile.line("alice", C);
        assertThat(line).startsWith("alice:SCRAM-SHA-256:4096:").doesNotContain("secret");
        assertThat(line.split(":")).hasSize(6);
    }

    @Test
    void userNameMayContainColons() {
        CredentialsFile file = CredentialsFile.parse(List.of(CredentialsFile.line("urn:dev:1", C)), "f");
        assertThat(file.credential("urn:dev:1")).isEqualTo(C);
    }

    @Test
    void badLinesAreRefusedWithTheirLineNumber() {
        String good = CredentialsFile.line("alice", C);
        assertThatThrownBy(() -> CredentialsFile.parse(List.of("# x", "alice:secret"), "users.txt"))
                .hasMessageContaining("users.txt line 2");
        assertThatThrownBy(() -> CredentialsFile.parse(List.of(good.replace("SCRAM-SHA-256", "SCRAM-SHA-1")), "f"))
                .hasMessageContaining("unknown mechanism");
        assertThatThrownBy(() -> CredentialsFile.parse(List.of(good.replace(":4096:", ":1000:")), "f"))
                .hasMessageContaining("at least 4096");
        assertThatThrownBy(() -> CredentialsFile.parse(List.of(good.replace(":4096:", ":many:")), "f"))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> CredentialsFile.parse(List.of(good + "!"), "f"))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> CredentialsFile.parse(List.of(good, good), "f"))
                .hasMessageContaining("line 2")
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> CredentialsFile.parse(List.of(good.substring("alice".length())), "f"))
                .hasMessageContaining("empty user name");
    }
}
