/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.auth.CredentialsFile;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bin/tributary passwd USER}: a password on stdin becomes a credentials-file line without the password. */
class PasswdCommandTest {

    private record Outcome(int exit, String out, String err) {}

    private static Outcome run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli =
                new CommandLine(new PasswdCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Outcome(exit, out.toString().trim(), err.toString().trim());
    }

    @Test
    void printsALineTheCredentialsFileAcceptsForThatPassword() {
        Outcome o = run("s3cret pass\n", "alice");
        assertThat(o.exit()).isZero();
        assertThat(o.out()).startsWith("alice:SCRAM-SHA-256:4096:").doesNotContain("s3cret");
        CredentialsFile file = CredentialsFile.parse(List.of(o.out()), "stdout");
        assertThat(file.credential("alice").matches("s3cret pass")).isTrue();
        assertThat(file.credential("alice").matches("s3cret")).isFalse();
    }

    @Test
    void iterationsCanBeRaisedButNotBelow4096() {
        assertThat(run("pw\n", "--iterations", "8192", "bob").out()).startsWith("bob:SCRAM-SHA-256:8192:");
        Outcome low = run("pw\n", "--iterations", "1000", "bob");
        assertThat(low.exit()).isNotZero();
        assertThat(low.err()).contains("4096");
    }

    @Test
    void emptyStdinIsRefused() {
        Outcome o = run("", "alice");
        assertThat(o.exit()).isNotZero();
        assertThat(o.out()).isEmpty();
    }

    @Test
    void isASubcommandOfTributary() {
        assertThat(new CommandLine(new TributaryCommand()).getSubcommands()).containsKey("passwd");
    }
}
