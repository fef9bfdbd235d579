/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import static io.tributary.mqtt.embedded.KraftServerConfig.CONTROLLER_HOST;
import static io.tributary.mqtt.embedded.KraftServerConfig.CONTROLLER_LISTENER;
import static io.tributary.mqtt.embedded.KraftServerConfig.NODE_ID;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Kafka's only log directory, {@code dataDir/kafka/logs}. It also holds the {@code __cluster_metadata}
 * log and {@code meta.properties}, whose presence is what "already formatted" means: the storage is formatted only
 * when that file is absent, so a restart reuses the cluster id, the metadata log and every topic.
 */
final class KraftStorage {

    // Under EmbeddedKafka's name: the console shows one source for everything the embedded Kafka reports.
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path logDir;

    KraftStorage(Path logDir) {
        this.logDir = logDir;
    }

    Path logDir() {
        return logDir;
    }

    void createDirectories() {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the Kafka data directory " + logDir + ": " + e, e);
        }
    }

    boolean isFormatted() {
        return Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME));
    }

    /**
     * Equivalent of {@code kafka-storage format --standalone}: a fresh cluster id, and a one-voter dynamic quorum
     * ({@code kraft.version=1}) whose only voter is this node at its controller endpoint.
     */
    void format(int controllerPort) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        // The formatter reports progress on System.out unless told otherwise; route it to the log instead so
        // nothing from Kafka reaches the launcher's console.
        try (PrintStream sink = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            // nodeId@host:port:directoryId, exactly what `kafka-storage format --standalone` derives from the
            // controller listener; the formatter gives the metadata directory this directory id.
            String voter = NODE_ID + "@" + CONTROLLER_HOST + ":" + controllerPort + ":" + Uuid.randomUuid();
            Formatter formatter = new Formatter()
                    .setPrintStream(sink)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    // metadata.log.dir is unset, so Kafka keeps the metadata log in the (only) log directory.
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setHasDynamicQuorum(true);
            formatter.setInitialControllers(DynamicVoters.parse(voter));
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot format the Kafka storage in " + logDir + ": " + StartupWait.rootMessage(e), e);
        }
        LOG.info(
                "Formatted new embedded Kafka storage in {} (controller on {}:{})",
                logDir,
                CONTROLLER_HOST,
                controllerPort);
        LOG.debug(
                "Kafka storage formatter output: {}",
                output.toString(StandardCharsets.UTF_8).trim());
    }
}
