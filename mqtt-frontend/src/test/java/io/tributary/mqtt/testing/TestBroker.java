/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import io.tributary.mqtt.config.AdminApiSettings;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.server.BrokerNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts broker nodes for tests: a free MQTT port, and topics of their own unless a test names them. */
public final class TestBroker {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private TestBroker() {}

    /** Settings for a node whose Kafka topics no other test uses. */
    public static Map<String, Object> isolatedSettings() {
        String prefix = "t" + PREFIXES.incrementAndGet() + "-" + System.nanoTime() % 100000 + ".";
        Map<String, Object> settings = new HashMap<>();
        settings.put(BrokerConfig.MQTT_PORT_CONFIG, "0");
        settings.put(OpsSettings.OPS_HTTP_LISTENER_CONFIG, "127.0.0.1:0");
        settings.put(BrokerConfig.MESSAGES_TOPIC_CONFIG, prefix + "messages");
        settings.put(BrokerConfig.RETAINED_TOPIC_CONFIG, prefix + "retained");
        settings.put(BrokerConfig.SESSIONS_TOPIC_CONFIG, prefix + "sessions");
        settings.put(BrokerConfig.PLACEMENT_TOPIC_CONFIG, prefix + "placement");
        settings.put(io.tributary.mqtt.config.SysSettings.STATS_TOPIC_CONFIG, prefix + "node-stats");
        settings.put(BrokerConfig.MESSAGES_PARTITIONS_CONFIG, "3");
        settings.put(BrokerConfig.SESSION_CHECKPOINT_CONFIG, "200");
        settings.put(AdminApiSettings.TOKEN_FILE_CONFIG, ADMIN_TOKEN_FILE.toString());
        return settings;
    }

    /** The bearer token every test node's admin HTTP API accepts (admin.http.token.file of the settings above). */
    public static final String ADMIN_TOKEN = "test-admin-token-" + UUID.randomUUID();

    /** The file of {@link #ADMIN_TOKEN}, written once per test JVM. */
    public static final Path ADMIN_TOKEN_FILE = adminTokenFile();

    private static Path adminTokenFile() {
        try {
            Path file = Files.createTempFile("tributary-admin-token", ".txt");
            Files.writeString(file, "# test nodes' admin API token\n" + ADMIN_TOKEN + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request to {@code node}'s admin HTTP API at {@code path}, with the test nodes' bearer token. */
    public static HttpRequest.Builder adminRequest(BrokerNode node, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    public static BrokerNode start(KafkaTestCluster kafka, Map<String, Object> settings) {
        return BrokerNode.start(new BrokerConfig(settings), kafka.bootstrapServers());
    }

    public static BrokerNode start(KafkaTestCluster kafka) {
        return start(kafka, isolatedSettings());
    }

    /** Closes the node and starts a new one with the same settings on the same Kafka (a node restart). */
    public static BrokerNode restart(KafkaTestCluster kafka, BrokerNode node, Map<String, Object> settings) {
        node.close();
        return start(kafka, settings);
    }

    public static String uri(BrokerNode node) {
        return "tcp://127.0.0.1:" + node.mqttPort();
    }

    public static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(settings);
        copy.put(key, value.toString());
        return copy;
    }
}
