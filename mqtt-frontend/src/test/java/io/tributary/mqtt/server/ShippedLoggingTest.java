/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console of {@code bin/tributary} under the shipped {@code log4j2.xml} (loaded into a context of its own, apart
 * from the tests' logging): Kafka's routine lines at WARN are dropped, anything else from Kafka still shows.
 */
class ShippedLoggingTest {

    private static final class Captured extends AbstractAppender {
        final List<String> lines = new CopyOnWriteArrayList<>();

        Captured() {
            super("captured", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
        }
    }

    private final LoggerContext context = new LoggerContext("shipped-log4j2");
    private final Captured console = new Captured();

    ShippedLoggingTest() throws Exception {
        URL shipped = getClass().getResource("/log4j2.xml");
        assertThat(shipped).as("the main log4j2.xml").isNotNull();
        XmlConfiguration config = new XmlConfiguration(context, ConfigurationSource.fromUri(shipped.toURI()));
        context.start(config);
        console.start();
        context.getConfiguration().getRootLogger().addAppender(console, null, null);
        context.updateLoggers();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private void warn(String logger, String message) {
        context.getLogger(logger).warn(message);
    }

    @Test
    void theEmbeddedKafkasDoubleCloseAtShutdownIsDropped() {
        warn(
                "org.apache.kafka.clients.NetworkClient",
                "[NodeToControllerChannelManager id=1 name=registration] Attempting to close NetworkClient that has "
                        + "already been closed.");
        assertThat(console.lines).isEmpty();
    }

    @Test
    void theStartupProbesReconnectLinesAreDropped() {
        warn(
                "org.apache.kafka.clients.NetworkClient",
                "[AdminClient clientId=" + KafkaProbe.CLIENT_ID + "] Connection to node -1 (/127.0.0.1:9) could not "
                        + "be established. Node may not be available.");
        assertThat(console.lines).isEmpty();
    }

    @Test
    void theControllerActivationOfEveryStartIsDropped() {
        warn(
                "org.apache.kafka.controller.QuorumController",
                "[QuorumController id=1] Performing controller activation.");
        assertThat(console.lines).isEmpty();
    }

    @Test
    void theNodesOwnKafkaClientsReconnectChatterIsLeftToTheNodesOutageLine() {
        // During an outage every client logs this per attempt; ops/KafkaReachability says it once instead.
        String reconnect = "[Producer clientId=tributary-node-a] Connection to node 1 (/127.0.0.1:9092) could not be "
                + "established. Node may not be available.";
        warn("org.apache.kafka.clients.NetworkClient", reconnect);
        context.getLogger("org.apache.kafka.clients.NetworkClient").error("[Producer clientId=a] Uncaught error");
        warn("org.apache.kafka.controller.QuorumController", "[QuorumController id=1] something else");
        assertThat(console.lines)
                .containsExactly("[Producer clientId=a] Uncaught error", "[QuorumController id=1] something else");
    }
}
