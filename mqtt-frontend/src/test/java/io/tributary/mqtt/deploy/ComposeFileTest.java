/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.deploy;

import static io.tributary.mqtt.deploy.DeployFiles.CONFIG_PATH;
import static io.tributary.mqtt.deploy.DeployFiles.expected;
import static io.tributary.mqtt.deploy.DeployFiles.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose}: three nodes of the image on Kafka, a Connect worker with the plugin archive and an S3
 * store, wired to each other by the names and ports the other files use.
 */
class ComposeFileTest {

    private static final List<String> NODES = List.of("tributary-1", "tributary-2", "tributary-3");

    private static Path composeDir() {
        return DeployFiles.deployDir().resolve("compose");
    }

    private static JsonNode services() {
        return DeployFiles.yaml(composeDir().resolve("compose.yaml")).path("services");
    }

    private static JsonNode service(String name) {
        JsonNode service = services().path(name);
        assertThat(service.isMissingNode()).as("compose service " + name).isFalse();
        return service;
    }

    private static Map<String, String> nodeSettings() {
        return DeployFiles.properties(composeDir().resolve("tributary.properties"));
    }

    /** {@code ${VAR:-default}} of a compose value, with the default. */
    private static String withDefaults(String value) {
        return value.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
    }

    @Test
    void everySettingOfTheNodesIsAValidNodeSetting() {
        Map<String, String> settings = nodeSettings();
        assertThat(DeployFiles.unknownKeys(settings)).isEmpty();
        assertThat(DeployFiles.environmentVariablesUsed(settings))
                .as("Docker sets HOSTNAME from each service's hostname:")
                .containsOnly("HOSTNAME");
        BrokerConfig config = DeployFiles.brokerConfig(settings, Map.of("HOSTNAME", "tributary-1"));
        assertThat(config.nodeId()).isEqualTo("tributary-1");
    }

    @Test
    void threeNodesOfTheImageReadTheSharedSettings() {
        Set<String> hostnames =
                NODES.stream().map(n -> service(n).path("hostname").asText()).collect(Collectors.toSet());
        assertThat(hostnames).as("one node.id per node").hasSize(NODES.size()).doesNotContain("");
        int mqttPort = Integer.parseInt(nodeSettings().get(BrokerConfig.MQTT_PORT_CONFIG));
        assertThat(mqttPort).isEqualTo(Integer.parseInt(expected("mqtt.port")));
        String ops = nodeSettings().get(OpsSettings.OPS_HTTP_LISTENER_CONFIG);
        int opsPort = Integer.parseInt(ops.substring(ops.lastIndexOf(':') + 1));
        assertThat(opsPort).isEqualTo(Integer.parseInt(expected("ops.port")));
        for (String node : NODES) {
            JsonNode service = service(node);
            assertThat(withDefaults(service.path("image").asText())).isEqualTo("tributary:" + expected("version"));
            assertThat(texts(service.path("command"))).containsExactly("--config", CONFIG_PATH);
            assertThat(texts(service.path("volumes"))).contains("./tributary.properties:" + CONFIG_PATH + ":ro");
            assertThat(texts(service.path("ports")))
                    .as(node + " publishes its MQTT port")
                    .anyMatch(p -> p.endsWith(":" + mqttPort));
            assertThat(texts(service.path("healthcheck").path("test")))
                    .as(node + " is healthy when its ops listener says ready")
                    .anyMatch(t -> t.contains("/" + opsPort + " ") && t.contains("GET /health/ready"));
            assertThat(service.path("depends_on")
                            .path("kafka")
                            .path("condition")
                            .asText())
                    .isEqualTo("service_healthy");
        }
    }

    @Test
    void theNodesAndTheConnectWorkerReachKafkaOnItsInternalListener() {
        JsonNode kafka = service("kafka");
        assertThat(kafka.path("image").asText()).isEqualTo("apache/kafka:" + expected("kafka.version"));
        String internal = "INTERNAL://" + kafka.path("hostname").asText() + ":9092";
        assertThat(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .contains(internal);
        assertThat(nodeSettings().get(BrokerConfig.KAFKA_BOOTSTRAP_CONFIG)).isEqualTo("kafka:9092");
        Map<String, String> worker = DeployFiles.properties(composeDir().resolve("connect-distributed.properties"));
        assertThat(worker.get("bootstrap.servers")).isEqualTo("kafka:9092");
        assertThat(service("connect").path("image").asText())
                .isEqualTo(kafka.path("image").asText());
    }

    @Test
    void theConnectWorkerCarriesThePluginArchive() {
        JsonNode unpack = service("connect-plugins");
        String archive = texts(unpack.path("volumes")).stream()
                .map(ComposeFileTest::withDefaults)
                .filter(v -> v.contains(".zip:"))
                .findFirst()
                .orElseThrow();
        Path zip =
                composeDir().resolve(archive.substring(0, archive.indexOf(':'))).normalize();
        assertThat(zip)
                .isEqualTo(DeployFiles.projectRoot()
                        .resolve("connect-plugins/target/tributary-connect-plugins-" + expected("version") + ".zip"));
        Map<String, String> worker = DeployFiles.properties(composeDir().resolve("connect-distributed.properties"));
        assertThat(texts(service("connect").path("volumes")))
                .contains("connect-plugins:" + worker.get("plugin.path") + ":ro");
        assertThat(texts(unpack.path("volumes"))).contains("connect-plugins:/plugins");
        assertThat(worker.get("config.providers")).isEqualTo("env");
    }

    @Test
    void theS3SinkExampleFindsEveryVariableAndTheBucket() throws IOException {
        String example = Files.readString(
                DeployFiles.projectRoot().resolve("connect-plugins/src/main/plugin/examples/s3-sink.json"));
        Matcher m = Pattern.compile("\\$\\{env:([A-Z_]+)}").matcher(example);
        JsonNode env = service("connect").path("environment");
        while (m.find()) {
            assertThat(env.path(m.group(1)).asText()).as(m.group(1)).isNotBlank();
        }
        assertThat(texts(service("s3-bucket").path("command")))
                .as("the bucket the sink writes to exists")
                .contains("/data/" + env.path("S3_BUCKET").asText());
        JsonNode s3 = service("s3").path("environment");
        assertThat(s3.path("JCLOUDS_FILESYSTEM_BASEDIR").asText()).isEqualTo("/data");
        assertThat(env.path("S3_ENDPOINT").asText()).isEqualTo("http://s3:80");
        assertThat(s3.path("S3PROXY_ENDPOINT").asText()).endsWith(":80");
        assertThat(env.path("AWS_ACCESS_KEY_ID").asText())
                .isEqualTo(s3.path("S3PROXY_IDENTITY").asText());
        assertThat(env.path("AWS_SECRET_ACCESS_KEY").asText())
                .isEqualTo(s3.path("S3PROXY_CREDENTIAL").asText());
    }
}
