/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options and bad values get one line naming them and a non-zero exit, before anything starts. */
class TributaryCommandTest {

    private record Outcome(int exit, String err) {}

    private static Outcome run(String... args) {
        StringWriter err = new StringWriter();
        int exit = TributaryCommand.run(args, new PrintWriter(err, true));
        return new Outcome(exit, err.toString().trim());
    }

    @Test
    void unknownOptionIsNamed() {
        Outcome o = run("--mqtt-prot", "1883");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).startsWith("tributary: ").contains("--mqtt-prot").doesNotContain("\n");
    }

    @Test
    void nonNumericPortIsNamed() {
        Outcome o = run("--mqtt-port", "abc");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("--mqtt-port").contains("abc").doesNotContain("\n");
    }

    @Test
    void outOfRangePortIsNamed() {
        Outcome o = run("--mqtt-port", "70000", "--kafka-bootstrap", "127.0.0.1:1");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("mqtt.port").contains("70000").doesNotContain("\n");
    }

    @Test
    void missingConfigFileIsNamed() {
        Outcome o = run("--config", "/no/such/tributary.properties");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("/no/such/tributary.properties").doesNotContain("\n");
    }

    @Test
    void badValueInConfigFileIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "kafka.bootstrap.servers=127.0.0.1:1\nsession.queue.max.messages=-5\n");
        Outcome o = run("--config", file.toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("session.queue.max.messages").doesNotContain("\n");
    }

    @Test
    void incompleteMappingRuleIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "kafka.bootstrap.servers=127.0.0.1:1\nmapping.rules=t\nmapping.rule.t.filter=a/#\n");
        Outcome o = run("--config", file.toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("mapping.rule.t.kafka.topic").doesNotContain("\n");
    }

    @Test
    void commandLineOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "mqtt.port=1999\nmqtt.bind=0.0.0.0\n");
        TributaryCommand cmd = new TributaryCommand();
        new picocli.CommandLine(cmd).parseArgs("--config", file.toString(), "--mqtt-port", "2883");
        assertThat(cmd.settings()).containsEntry("mqtt.port", "2883").containsEntry("mqtt.bind", "0.0.0.0");
    }
}
