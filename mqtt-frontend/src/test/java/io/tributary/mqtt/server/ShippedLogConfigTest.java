/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The log4j2.xml that bin/tributary and the container image ship (not the tests' own): one-line text by default,
 * JSON lines with the switch, and the Kafka clients' reconnect chatter below what an operator sees during an outage.
 * Each case loads the file into a logger context of its own, writing to a captured standard error.
 */
class ShippedLogConfigTest {

    private static final AtomicInteger CONTEXTS = new AtomicInteger();
    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    private static final String RECONNECT = "[Producer clientId=tributary-producer] Connection to node 1 "
            + "(/127.0.0.1:9092) could not be established. Node may not be available.";

    @AfterEach
    void clearFormat() {
        System.clearProperty("tributary.log.format");
    }

    /** The lines the shipped configuration writes for what {@code logs} logs. */
    private static List<String> linesOf(Consumer<LoggerContext> logs) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext("shipped-" + CONTEXTS.incrementAndGet());
        try {
            ConfigurationSource source =
                    ConfigurationSource.fromResource("log4j2.xml", ShippedLogConfigTest.class.getClassLoader());
            assertThat(source.getLocation()).as("the main log4j2.xml").doesNotContain("test-classes");
            context.start(new XmlConfiguration(context, source));
            logs.accept(context);
        } finally {
            context.stop();
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static void outage(LoggerContext context) {
        for (int i = 0; i < 300; i++) {
            context.getLogger(NETWORK_CLIENT).warn(RECONNECT);
            context.getLogger("org.apache.kafka.clients.consumer.internals.ConsumerCoordinator")
                    .warn("[Consumer clientId=live] Offset commit failed: coordinator not available");
            context.getLogger("org.apache.kafka.clients.producer.internals.Sender")
                    .warn("[Producer clientId=p] Got error produce response, retrying");
        }
        context.getLogger("io.tributary.mqtt.ops.KafkaReachability")
                .warn("Kafka at 127.0.0.1:9092 is unreachable (no answer within 3 s)");
        context.getLogger(NETWORK_CLIENT).error("[Producer clientId=p] Uncaught error in request completion");
    }

    @Test
    void anOutageIsTheNodesOwnLineNotHundredsOfClientReconnects() throws Exception {
        List<String> lines = linesOf(ShippedLogConfigTest::outage);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0))
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  KafkaReachability - Kafka at 127.0.0.1:9092 is "
                        + "unreachable \\(no answer within 3 s\\)");
        assertThat(lines.get(1)).contains("ERROR NetworkClient - ").contains("Uncaught error");
    }

    @Test
    void jsonLinesWithTheSwitch() throws Exception {
        System.setProperty("tributary.log.format", "json");
        List<String> lines = linesOf(context -> {
            outage(context);
            context.getLogger("io.tributary.mqtt.server.BrokerNode").info("Loaded 3 retained messages");
        });
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("log.level").asText()).isEqualTo("WARN");
        assertThat(first.get("log.logger").asText()).isEqualTo("io.tributary.mqtt.ops.KafkaReachability");
        assertThat(first.get("message").asText()).startsWith("Kafka at 127.0.0.1:9092 is unreachable");
        assertThat(first.get("service.name").asText()).isEqualTo("tributary");
        assertThat(first.get("@timestamp").asText()).isNotBlank();
        assertThat(json.readTree(lines.get(2)).get("message").asText()).isEqualTo("Loaded 3 retained messages");
    }

    @Test
    void theFormatComesFromTheOptionOverTheEnvironment() {
        TributaryCommand.chooseLogFormat(new String[] {"--mqtt-port", "0"}, "JSON");
        assertThat(System.getProperty("tributary.log.format")).isEqualTo("json");
        System.clearProperty("tributary.log.format");
        TributaryCommand.chooseLogFormat(new String[] {"--log-format", "text"}, "json");
        assertThat(System.getProperty("tributary.log.format")).isEqualTo("text");
        System.clearProperty("tributary.log.format");
        TributaryCommand.chooseLogFormat(new String[] {"--log-format=json"}, null);
        assertThat(System.getProperty("tributary.log.format")).isEqualTo("json");
    }
}
