/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.config.TributaryVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options and bad values get one line naming them and a non-zero exit, before anything starts. */
class TributaryCommandTest {

    private record Outcome(int exit, String err, Duration took) {}

    /** Runs the command with the ops listener on a free port (its default 9464 may be taken on a shared machine). */
    private static Outcome run(String... args) {
        String[] withOps = args;
        if (!String.join(" ", args).contains("ops.http.listener")) {
            withOps = new String[args.length + 2];
            withOps[0] = "--set";
            withOps[1] = "ops.http.listener=127.0.0.1:0";
            System.arraycopy(args, 0, withOps, 2, args.length);
        }
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int exit = TributaryCommand.run(withOps, new PrintWriter(err, true));
        return new Outcome(exit, err.toString().trim(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ---- unknown settings ----

    @Test
    void aTypoInTheConfigFileFailsTheStartNamingTheNearestSetting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "mqtt.prot=1885\n");
        Outcome o = run(
                "--config", file.toString(), "--data-dir", dir.resolve("data").toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err())
                .startsWith("tributary: invalid configuration: unknown setting mqtt.prot (did you mean mqtt.port?)")
                .doesNotContain("\n");
        assertThat(dir.resolve("data")).as("nothing started").doesNotExist();
    }

    @Test
    void aTypoInASetOptionFailsTheStart() {
        Outcome o = run("--set", "session.queue.max.mesages=10");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err())
                .contains("unknown setting session.queue.max.mesages (did you mean session.queue.max.messages?)");
    }

    @Test
    void strictConfigFalseOnlyWarnsAndTheStartGoesOn() throws Exception {
        // The start gets past the configuration and on to Kafka, which is not there.
        Outcome o = run(
                "--set", "mqtt.prot=1885",
                "--set", "strict.config=false",
                "--mqtt-port", "0",
                "--kafka-bootstrap", "127.0.0.1:" + freePort());
        assertThat(o.err()).doesNotContain("unknown setting").contains("cannot reach Kafka");
    }

    @Test
    void kafkaClientSettingsAreNotChecked() throws Exception {
        Outcome o = run(
                "--set", "kafka.client.some.future.client.setting=1",
                "--mqtt-port", "0",
                "--kafka-bootstrap", "127.0.0.1:" + freePort());
        assertThat(o.err()).doesNotContain("unknown setting").contains("cannot reach Kafka");
    }

    // ---- ports first ----

    @Test
    void aBusyMqttPortFailsAtOnceAndLeavesNoDataDirectory(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path data = dir.resolve("data");
            Outcome o = run(
                    "--mqtt-port", String.valueOf(busy.getLocalPort()),
                    "--kafka-port", String.valueOf(freePort()),
                    "--data-dir", data.toString());
            assertThat(o.exit()).isEqualTo(1);
            assertThat(o.err())
                    .isEqualTo("tributary: cannot listen for MQTT on 127.0.0.1:" + busy.getLocalPort()
                            + " (mqtt.port, --mqtt-port): port already in use");
            assertThat(o.took()).isLessThan(Duration.ofSeconds(1));
            assertThat(data).as("the embedded Kafka never started").doesNotExist();
        }
    }

    @Test
    void aListenerOfListenersThatCannotBindFailsTheStartInOneLineNamingIt(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String entry = "tls://127.0.0.1:" + busy.getLocalPort();
            Path data = dir.resolve("data");
            Outcome o = run(
                    "--listeners",
                    "tcp://127.0.0.1:0," + entry,
                    "--set",
                    "tls.keystore.file=" + dir.resolve("unused.p12"),
                    "--set",
                    "tls.provider=jdk",
                    "--kafka-port",
                    String.valueOf(freePort()),
                    "--data-dir",
                    data.toString());
            // The keystore is read before anything binds: it is named first.
            assertThat(o.err()).startsWith("tributary: invalid configuration: ").contains("tls.keystore.file");
            Outcome plain = run(
                    "--listeners", "tcp://127.0.0.1:0,ws://127.0.0.1:" + busy.getLocalPort() + "/mqtt",
                    "--kafka-port", String.valueOf(freePort()),
                    "--data-dir", data.toString());
            assertThat(plain.exit()).isEqualTo(1);
            assertThat(plain.err())
                    .isEqualTo("tributary: cannot listen for MQTT (ws) on 127.0.0.1:" + busy.getLocalPort()
                            + " (listeners entry ws://127.0.0.1:" + busy.getLocalPort()
                            + "/mqtt): port already in use");
            assertThat(data).as("nothing started").doesNotExist();
        }
    }

    @Test
    void listenersBesideMqttPortOrAnUnknownSchemeIsAConfigurationError() {
        Outcome both = run("--listeners", "tcp://127.0.0.1:1883", "--mqtt-port", "1884");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err())
                .startsWith("tributary: invalid configuration: listeners (--listeners) names every MQTT listener")
                .contains("mqtt.port")
                .doesNotContain("\n");
        Outcome scheme = run("--listeners", "tcp://127.0.0.1:1883,quic://127.0.0.1:1884");
        assertThat(scheme.exit()).isEqualTo(2);
        assertThat(scheme.err()).contains("quic://127.0.0.1:1884").contains("unknown scheme 'quic'");
    }

    @Test
    void aBusyAdminPortFailsAtOnceAndLeavesNoDataDirectory(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path data = dir.resolve("data");
            Outcome o = run(
                    "--mqtt-port",
                    "0",
                    "--set",
                    "admin.http.port=" + busy.getLocalPort(),
                    "--kafka-port",
                    String.valueOf(freePort()),
                    "--data-dir",
                    data.toString());
            assertThat(o.exit()).isEqualTo(1);
            assertThat(o.err())
                    .contains("admin HTTP API on 127.0.0.1:" + busy.getLocalPort())
                    .contains("admin.http.port");
            assertThat(o.took()).isLessThan(Duration.ofSeconds(1));
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void aBusyOpsPortFailsAtOnceWithOneLineAndLeavesNoDataDirectory(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path data = dir.resolve("data");
            Outcome o = run(
                    "--mqtt-port",
                    "0",
                    "--set",
                    "ops.http.listener=127.0.0.1:" + busy.getLocalPort(),
                    "--kafka-port",
                    String.valueOf(freePort()),
                    "--data-dir",
                    data.toString());
            assertThat(o.exit()).isEqualTo(1);
            assertThat(o.err())
                    .isEqualTo("tributary: cannot listen for the ops HTTP API on 127.0.0.1:" + busy.getLocalPort()
                            + " (ops.http.listener): port already in use");
            assertThat(o.took()).isLessThan(Duration.ofSeconds(1));
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void aBadOpsListenerAddressIsAConfigurationError() {
        Outcome o = run("--set", "ops.http.listener=localhost", "--mqtt-port", "0");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err())
                .contains("ops.http.listener")
                .contains("host:port or none")
                .doesNotContain("\n");
    }

    @Test
    void aBusyEmbeddedKafkaPortFailsAtOnceAndLeavesNoDataDirectory(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path data = dir.resolve("data");
            Outcome o = run(
                    "--mqtt-port", "0",
                    "--kafka-port", String.valueOf(busy.getLocalPort()),
                    "--data-dir", data.toString());
            assertThat(o.exit()).isEqualTo(1);
            assertThat(o.err()).contains("127.0.0.1:" + busy.getLocalPort()).contains("--kafka-port");
            assertThat(o.took()).isLessThan(Duration.ofSeconds(1));
            assertThat(data).doesNotExist();
        }
    }

    // ---- Kafka unreachable ----

    @Test
    void unreachableKafkaIsOneLineWithinSeconds() throws Exception {
        int closed = freePort();
        Outcome o = run("--mqtt-port", "0", "--kafka-bootstrap", "127.0.0.1:" + closed);
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err())
                .isEqualTo("tributary: cannot reach Kafka at 127.0.0.1:" + closed
                        + " (connection refused) — check --kafka-bootstrap (kafka.bootstrap.servers)");
        assertThat(o.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anUnknownKafkaHostIsNamed() {
        Outcome o = run("--mqtt-port", "0", "--kafka-bootstrap", "no-such-host.invalid:9092");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).contains("cannot reach Kafka at no-such-host.invalid:9092 (unknown host)");
    }

    // ---- version ----

    @Test
    void versionIsTheBuildsVersion() {
        StringWriter out = new StringWriter();
        int exit = TributaryCommand.run(
                new String[] {"-V"}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));
        assertThat(exit).isZero();
        // TributaryVersionTest ties TributaryVersion to the POM.
        assertThat(out.toString().trim()).isEqualTo("Tributary " + TributaryVersion.current());
    }

    @Test
    void theAdminCliPrintsTheSameVersion() {
        StringWriter out = new StringWriter();
        int exit = TributaryCommand.run(
                new String[] {"admin", "-V"}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));
        assertThat(exit).isZero();
        assertThat(out.toString().trim()).isEqualTo("Tributary " + TributaryVersion.current());
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
