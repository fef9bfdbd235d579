/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.auth.CredentialsFile;
import io.tributary.mqtt.auth.Scram;
import io.tributary.mqtt.auth.ScramCredential;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bin/tributary passwd USER}: reads a password (from the terminal without echo, or the first line of
 * stdin) and prints the {@code auth.users.file} line for the user: a salted SCRAM-SHA-256 credential, never
 * the password itself.
 */
@Command(
        name = "passwd",
        mixinStandardHelpOptions = true,
        description = "Reads a password from stdin and prints the auth.users.file line for USER "
                + "(salted SCRAM-SHA-256 credential; the password is not stored).")
public final class PasswdCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER", description = "User name (as clients send it in CONNECT).")
    String user;

    @Option(
            names = "--iterations",
            paramLabel = "N",
            defaultValue = "4096",
            description = "PBKDF2 iterations, at least 4096 (default 4096).")
    int iterations;

    @Spec
    CommandSpec spec;

    private final InputStream in;

    public PasswdCommand() {
        this(System.in);
    }

    PasswdCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public Integer call() throws Exception {
        if (user.isEmpty() || user.contains("\n") || user.contains("\r")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "USER must be a non-empty single line");
        }
        if (iterations < Scram.MIN_ITERATIONS) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--iterations must be at least " + Scram.MIN_ITERATIONS);
        }
        String password = readPassword();
        if (password == null || password.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no password on stdin");
        }
        spec.commandLine()
                .getOut()
                .println(CredentialsFile.line(user, ScramCredential.fromPassword(password, iterations)));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private String readPassword() throws java.io.IOException {
        Console console = System.console();
        if (console != null && in == System.in) {
            char[] chars = console.readPassword("Password for %s: ", user);
            return chars == null ? null : new String(chars);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    }
}
