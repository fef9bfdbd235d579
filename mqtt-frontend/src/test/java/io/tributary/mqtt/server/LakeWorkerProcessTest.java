/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.placement.PlacementImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What --lake checks before the node starts, each failure naming what to fix. */
class LakeWorkerProcessTest {

    @TempDir
    Path work;

    private Path archive() throws IOException {
        return Files.writeString(work.resolve("tributary-connect-plugins.zip"), "zip");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theNodesKafkaLoginIsHandedToTheWorkerInItsEnvironmentNotOnItsCommandLine() throws Exception {
        BrokerConfig config = new BrokerConfig(Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.client.sasl.jaas.config", "ScramLoginModule required username=\"n\" password=\"p=w\";"));
        String environment =
                LakeWorkerProcess.kafkaClientEnvironment(KafkaClientSettings.common(config, "kafka-1:9093"));
        Properties read = new Properties();
        read.load(new StringReader(environment));
        assertThat(read)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "ScramLoginModule required username=\"n\" password=\"p=w\";")
                .doesNotContainKey("bootstrap.servers"); // an argument of its own
    }

    @Test
    void aWritableDirectoryAFreePortAndTheBuiltPartsMakeAPlan() throws Exception {
        int port = freePort();
        LakeWorkerProcess.Plan plan = LakeWorkerProcess.Plan.check(
                work.resolve("lake"), port, "lake/classes:lake/lib/*", archive().toString());

        assertThat(plan.dir()).isEqualTo(work.resolve("lake").toAbsolutePath());
        assertThat(plan.dir()).isDirectory();
        assertThat(plan.restPort()).isEqualTo(port);
        assertThat(plan.log()).isEqualTo(plan.dir().resolve("connect/worker.log"));
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsRefusedByName() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "not a directory");

        assertThatThrownBy(() -> LakeWorkerProcess.Plan.check(
                        file.resolve("lake"), freePort(), "cp", archive().toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--lake")
                .hasMessageContaining(file.resolve("lake").toString())
                .hasMessageContaining("not a writable directory");
    }

    @Test
    void theCommandRefusesALakeItCannotWriteBeforeStartingKafka() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "not a directory");
        Path kafkaData = work.resolve("kafka");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = TributaryCommand.run(
                new String[] {"--lake", file.resolve("lake").toString(), "--data-dir", kafkaData.toString()},
                new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--lake").contains("not a writable directory");
        assertThat(kafkaData).as("no embedded Kafka was started").doesNotExist();
    }

    @Test
    void aBusyConnectPortIsRefusedWithTheOptionToChangeIt() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> LakeWorkerProcess.Plan.check(
                            work.resolve("lake"),
                            busy.getLocalPort(),
                            "cp",
                            archive().toString()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(Integer.toString(busy.getLocalPort()))
                    .hasMessageContaining("in use")
                    .hasMessageContaining("--lake-connect-port");
        }
    }

    @Test
    void aMissingPluginArchiveSaysHowToBuildIt() throws Exception {
        Path missing = work.resolve("connect-plugins/target/tributary-connect-plugins.zip");

        assertThatThrownBy(
                        () -> LakeWorkerProcess.Plan.check(work.resolve("lake"), freePort(), "cp", missing.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not built")
                .hasMessageContaining("mvn -B -pl connect-plugins -am package");
    }

    @Test
    void withoutTheWorkersClassPathTheNodeSaysToUseBinTributary() throws Exception {
        assertThatThrownBy(() -> LakeWorkerProcess.Plan.check(work.resolve("lake"), freePort(), null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(LakeWorkerProcess.CLASSPATH_PROPERTY)
                .hasMessageContaining("bin/tributary");
    }

    @Test
    void theLakeReadsTheDefaultTopicAndEveryMappedOne() {
        BrokerConfig config = new BrokerConfig(Map.of(
                BrokerConfig.MESSAGES_TOPIC_CONFIG,
                "mqtt.messages",
                BrokerConfig.MAPPING_RULES_CONFIG,
                "factory",
                "mapping.rule.factory.filter",
                "factory/#",
                "mapping.rule.factory.kafka.topic",
                "factory.telemetry"));

        assertThat(LakeWorkerProcess.messageTopics(config, PlacementImage.EMPTY))
                .containsExactly("mqtt.messages", "factory.telemetry");
    }
}
