/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.MqttFuzzCorpus;
import io.tributary.mqtt.testing.TestBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mutated packet streams (see {@link MqttFuzzCorpus}) over real sockets to one running node: afterwards
 * every one of those connections is gone, a well-behaved client still connects, publishes and receives, and
 * the node logged nothing at ERROR (nor Netty an exception reaching the end of a pipeline). The node never
 * stops serving other connections. {@code -Dfuzz.seed} / {@code -Dfuzz.streams} change the run.
 */
class FuzzIT {

    @RegisterExtension
    static final BrokerExtension kafka = BrokerExtension.kafkaOnly();

    static BrokerNode broker;
    static final List<String> problems = new CopyOnWriteArrayList<>();
    static AbstractAppender watcher;

    @BeforeAll
    static void start() {
        watcher = new AbstractAppender("fuzz-watcher", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String logger = String.valueOf(event.getLoggerName());
                boolean ours =
                        logger.startsWith("io.tributary") && event.getLevel().isMoreSpecificThan(Level.ERROR);
                boolean netty =
                        logger.startsWith("io.netty") && event.getLevel().isMoreSpecificThan(Level.WARN);
                if (ours || netty) {
                    problems.add(event.getLevel() + " " + logger + ": "
                            + event.getMessage().getFormattedMessage());
                }
            }
        };
        watcher.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(watcher, Level.ALL, null);
        context.updateLoggers();

        // Started after the watcher, so that what the node logs while starting is watched too.
        broker = kafka.startNode(TestBroker.with(
                TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.CONNECT_TIMEOUT_CONFIG, 1000),
                BrokerConfig.MAX_PACKET_SIZE_CONFIG,
                4096));
    }

    @AfterAll
    static void stop() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender("fuzz-watcher");
        context.updateLoggers();
        watcher.stop();
    }

    @Test
    void mutatedStreamsLeaveTheNodeServingOthersWithoutErrors() throws Exception {
        long seed = Long.getLong("fuzz.seed", 0x7121B07A5EEDL);
        int streams = Integer.getInteger("fuzz.streams", 300);
        MqttFuzzCorpus corpus = new MqttFuzzCorpus();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < streams; i++) {
            MqttFuzzCorpus.Stream s =
                    corpus.seeds().get(random.nextInt(corpus.seeds().size()));
            if (random.nextBoolean()) {
                send(corpus.mutate(random, s));
            } else {
                // An intact CONNECT, then mutated packets: the established session's paths get the garbage.
                byte[] connect = Arrays.copyOf(s.bytes(), s.packetStarts()[1]);
                send(connect, corpus.mutate(random, MqttFuzzCorpus.withoutConnect(s)));
            }
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(broker.metrics().getOpenConnections())
                        .as("every fuzzing connection gone (seed %d)", seed)
                        .isZero());
        assertThat(broker.metrics().getProtocolErrors())
                .as("the mutations were noticed")
                .isPositive();

        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient healthy = new MqttClient(TestBroker.uri(broker), "healthy-after-fuzz", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        healthy.connect(o);
        try {
            healthy.subscribe(
                    "healthy/#", 1, (t, m) -> received.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            healthy.publish("healthy/after", "still-serving".getBytes(StandardCharsets.UTF_8), 1, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> received.contains("still-serving"));
        } finally {
            healthy.disconnect();
            healthy.close();
        }
        assertThat(problems)
                .as("ERROR lines of the node, Netty warnings (seed %d)", seed)
                .isEmpty();
    }

    /**
     * Writes the parts, each after the node answered the one before (or went quiet), reads whatever comes back
     * for a moment, then drops the connection.
     */
    private static void send(byte[]... parts) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", broker.mqttPort())) {
            socket.setSoLinger(true, 0); // an abrupt close (RST) on some, a FIN after the node's close on others
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            for (int i = 0; i < parts.length; i++) {
                try {
                    socket.getOutputStream().write(parts[i]);
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    return; // the node closed the connection while we were writing: fine
                }
                // After a CONNECT, wait for its CONNACK; after the last part, drain until closed or quiet.
                socket.setSoTimeout(i < parts.length - 1 ? 2000 : 30);
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (n > 0 && i < parts.length - 1) {
                            break;
                        }
                    }
                    if (n < 0) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // quiet: go on
                } catch (java.net.SocketException e) {
                    return; // reset
                }
            }
        }
    }
}
