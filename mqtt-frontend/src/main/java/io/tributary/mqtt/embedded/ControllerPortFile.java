/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import static io.tributary.mqtt.embedded.KraftServerConfig.CONTROLLER_HOST;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller port of the embedded Kafka, recorded in {@code dataDir/kafka/embedded-kafka.properties}. A dynamic
 * quorum records the voter's controller endpoint in the metadata log, so the port chosen at format time is reused on
 * later starts, keeping that record stable. The file lives outside {@code logs/} so Kafka never sees a foreign file
 * in its log directory.
 */
final class ControllerPortFile {

    // Under EmbeddedKafka's name: the console shows one source for everything the embedded Kafka reports.
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    static final String STATE_FILE = "embedded-kafka.properties";
    static final String CONTROLLER_PORT_KEY = "controller.port";

    private final Path kafkaDir;
    private final int clientPort;

    /**
     * @param kafkaDir   the directory holding the state file
     * @param clientPort the client listener's port, which the controller must never share
     */
    ControllerPortFile(Path kafkaDir, int clientPort) {
        this.kafkaDir = kafkaDir;
        this.clientPort = clientPort;
    }

    /**
     * The controller port for this start: the one recorded on the previous start if it is still free, otherwise a
     * fresh free port, which is then recorded.
     */
    int portForThisStart(boolean formatted) {
        Integer stored = stored();
        if (stored != null && ListenerPorts.isFree(CONTROLLER_HOST, stored) && stored != clientPort) {
            return stored;
        }
        if (formatted) {
            // Only reached when the recorded port was taken by someone else while we were down (or the state file
            // was deleted). Safe for this single-voter quorum: on becoming leader, Kafka 4.3 rewrites its own voter
            // endpoint in the metadata log from its current listeners (EmbeddedKafkaTest covers this).
            LOG.warn(
                    "Embedded Kafka controller port {} is no longer available; moving the controller to a new port",
                    stored);
        }
        int fresh = ListenerPorts.freePort(CONTROLLER_HOST);
        if (fresh == clientPort) {
            // Only possible when the client port is itself in the ephemeral range and momentarily free; take
            // another rather than make both listeners fight over it.
            fresh = ListenerPorts.freePort(CONTROLLER_HOST);
        }
        store(fresh);
        return fresh;
    }

    private Integer stored() {
        Path file = kafkaDir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        String value = props.getProperty(CONTROLLER_PORT_KEY);
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Invalid " + CONTROLLER_PORT_KEY + " in " + file + ": " + value, e);
        }
    }

    private void store(int controllerPort) {
        Path file = kafkaDir.resolve(STATE_FILE);
        Path tmp = kafkaDir.resolve(STATE_FILE + ".tmp");
        Properties props = new Properties();
        props.setProperty(CONTROLLER_PORT_KEY, String.valueOf(controllerPort));
        // Write-then-rename so a crash never leaves a truncated file next to formatted storage.
        try (OutputStream out = Files.newOutputStream(tmp)) {
            props.store(out, "Written by Tributary's embedded Kafka; the KRaft voter endpoint depends on it");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + tmp + ": " + e, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file + ": " + e, e);
        }
    }
}
