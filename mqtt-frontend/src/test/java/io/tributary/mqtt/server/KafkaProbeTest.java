/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The start-up probe of an external Kafka (TributaryCommandTest covers refused and unknown hosts): a listener that
 * accepts connections but speaks no Kafka protocol to this client is named within the answer timeout.
 */
class KafkaProbeTest {

    @Test
    void aListenerThatAcceptsButDoesNotAnswerIsNamedWithTheTimeout() throws Exception {
        ExecutorService acceptor = Executors.newSingleThreadExecutor();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            acceptor.submit(() -> {
                while (!silent.isClosed()) {
                    try (Socket s = silent.accept()) {
                        s.getInputStream().read(); // then hang up without an answer, as a TLS listener would
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String bootstrap = "127.0.0.1:" + silent.getLocalPort();
            long start = System.nanoTime();
            assertThatThrownBy(() -> KafkaProbe.check(Map.of("bootstrap.servers", bootstrap), Duration.ofSeconds(2)))
                    .hasMessageStartingWith(
                            "Kafka at " + bootstrap + " accepted a connection but did not answer " + "within 2 s")
                    .hasMessageContaining("kafka.client.security.protocol");
            org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(10));
        } finally {
            acceptor.shutdownNow();
        }
    }
}
