/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tributary-admin} (and {@code bin/tributary admin}) as a user runs them, on the jar and target/lib the
 * build just packaged: a small JVM (64 MB heap, serial GC) that loads the Kafka clients but no broker, embedded-Kafka,
 * Netty or log4j classes, and answers with a table; an unreachable Kafka is one line naming it.
 */
class AdminLauncherIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withNodes(List.of("launched"), Map.of());

    @TempDir
    Path dir;

    record Run(int rc, String out, String err, long millis) {}

    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("bin/tributary-admin")) ? here : here.getParent();
    }

    Run run(String jdkJavaOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(repo().toFile())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("TRIBUTARY_NO_BUILD", "1"); // the build packaged the jar this test runs on
        pb.environment().remove("TRIBUTARY_ADMIN_OPTS");
        if (jdkJavaOptions != null) {
            pb.environment().put("JDK_JAVA_OPTIONS", jdkJavaOptions);
        }
        long start = System.nanoTime();
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished within 60 s").isTrue();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Run(
                p.exitValue(),
                Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8),
                millis);
    }

    static String[] admin(String launcher, String... args) {
        List<String> all = new ArrayList<>(List.of(launcher.split(" ")));
        all.addAll(List.of(
                "--kafka-bootstrap",
                broker.bootstrapServers(),
                "--placement-topic",
                broker.settings().get(BrokerConfig.PLACEMENT_TOPIC_CONFIG).toString(),
                "--sessions-topic",
                broker.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void theLauncherRunsASmallJvmOnTheKafkaClientsAlone() throws Exception {
        Path gc = dir.resolve("gc.log");
        Path classes = dir.resolve("classes.log");
        Run r = run(
                "-Xlog:gc*=info:file=" + gc + " -Xlog:class+load=info:file=" + classes,
                admin("bin/tributary-admin", "nodes"));

        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out().lines().toList().get(0)).matches("NAME +LIVE +LISTENERS +STARTED +RELEASE +VERSION");
        assertThat(r.out()).contains("launched ");
        assertThat(Files.readString(gc)).contains("Using Serial").contains("Heap Max Capacity: 64M");
        String loaded = Files.readString(classes);
        assertThat(loaded).contains("org.apache.kafka.clients.consumer.KafkaConsumer");
        assertThat(loaded.lines())
                .noneMatch(l -> l.contains(" kafka.server.")
                        || l.contains(" io.netty.")
                        || l.contains(" org.apache.logging.log4j.")
                        || l.contains(" io.tributary.mqtt.server.")
                        || l.contains(" io.tributary.mqtt.embedded."));
    }

    @Test
    void binTributaryAdminIsTheSameLightCli() throws Exception {
        Path gc = dir.resolve("gc.log");
        Run r = run("-Xlog:gc*=info:file=" + gc, admin("bin/tributary admin", "--json", "nodes"));

        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"name\" : \"launched\"");
        assertThat(Files.readString(gc)).contains("Heap Max Capacity: 64M");
        // With the class-data archive of the first run in place, a call is about a second on a quiet machine.
        Run timed = run(null, admin("bin/tributary-admin", "mapping", "list"));
        assertThat(timed.rc()).as(timed.err()).isZero();
        System.out.println("bin/tributary-admin mapping list: " + timed.millis() + " ms");
    }

    @Test
    void anUnreachableKafkaIsOneLineNamingIt() throws Exception {
        Run r = run(null, "bin/tributary-admin", "--kafka-bootstrap", "127.0.0.1:9", "--timeout", "2", "nodes");

        assertThat(r.rc()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines())
                .singleElement()
                .asString()
                .startsWith("tributary admin: cannot read the cluster metadata (topic mqtt.placement) from Kafka at "
                        + "127.0.0.1:9 within 2 s: is --kafka-bootstrap right, and Kafka up?");
    }
}
