/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.deploy;

import static io.tributary.mqtt.deploy.DeployFiles.CONFIG_PATH;
import static io.tributary.mqtt.deploy.DeployFiles.expected;
import static io.tributary.mqtt.deploy.DeployFiles.named;
import static io.tributary.mqtt.deploy.DeployFiles.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}: consistent with each other, with the image (ports, user,
 * where it reads its settings) and with the node's settings (every key exists, every value is valid, every
 * environment variable a setting names is set). {@link ComposeFileTest} checks deploy/compose.
 */
class KubernetesManifestsTest {

    private static final String APP_LABEL = "app.kubernetes.io/name";

    private static JsonNode statefulSet() {
        return DeployFiles.kubernetesObject("StatefulSet", "tributary");
    }

    private static JsonNode podSpec() {
        return statefulSet().path("spec").path("template").path("spec");
    }

    private static JsonNode container() {
        return named(podSpec().path("containers"), "name", "tributary");
    }

    private static Map<String, String> configMapSettings() {
        JsonNode configMap = DeployFiles.kubernetesObject("ConfigMap", "tributary-config");
        return DeployFiles.properties(
                configMap.path("data").path("tributary.properties").asText());
    }

    private static int containerPort(String name) {
        JsonNode port = named(container().path("ports"), "name", name);
        assertThat(port.isMissingNode()).as("container port named " + name).isFalse();
        return port.path("containerPort").asInt();
    }

    @Test
    void everySettingOfTheConfigMapIsAValidNodeSetting() {
        Map<String, String> settings = configMapSettings();
        assertThat(DeployFiles.unknownKeys(settings)).isEmpty();
        BrokerConfig config = DeployFiles.brokerConfig(settings, Map.of("POD_NAME", "tributary-0"));
        assertThat(config.nodeId()).isEqualTo("tributary-0");
        assertThat(config.getString(BrokerConfig.KAFKA_BOOTSTRAP_CONFIG))
                .as("nodes on Kubernetes use a Kafka cluster, not the embedded one")
                .isNotBlank();
    }

    @Test
    void theEnvironmentVariablesTheSettingsNameAreSetOnThePod() {
        Set<String> podEnv = StreamSupport.stream(container().path("env").spliterator(), false)
                .map(e -> e.path("name").asText())
                .collect(Collectors.toSet());
        assertThat(podEnv).containsAll(DeployFiles.environmentVariablesUsed(configMapSettings()));
        JsonNode podName = named(container().path("env"), "name", "POD_NAME");
        assertThat(podName.path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .as("node.id is the pod name: unique, and stable across restarts of a StatefulSet's pod")
                .isEqualTo("metadata.name");
    }

    @Test
    void theContainerListensWhereTheSettingsAndTheImageSay() {
        Map<String, String> settings = configMapSettings();
        assertThat(containerPort("mqtt"))
                .isEqualTo(Integer.parseInt(settings.get(BrokerConfig.MQTT_PORT_CONFIG)))
                .isEqualTo(Integer.parseInt(expected("mqtt.port")));
        assertThat(containerPort("admin"))
                .isEqualTo(Integer.parseInt(settings.get(BrokerConfig.ADMIN_HTTP_PORT_CONFIG)))
                .isEqualTo(Integer.parseInt(expected("admin.port")));
        assertThat(settings.get(OpsSettings.OPS_HTTP_LISTENER_CONFIG))
                .as("the kubelet probes the pod's address")
                .isEqualTo("0.0.0.0:" + containerPort("ops"));
        assertThat(containerPort("ops")).isEqualTo(Integer.parseInt(expected("ops.port")));
        assertThat(settings.get(BrokerConfig.MQTT_BIND_CONFIG)).isEqualTo("0.0.0.0");
        assertThat(settings.get(BrokerConfig.ADMIN_HTTP_BIND_CONFIG))
                .as("the kubelet probes the pod's address")
                .isEqualTo("0.0.0.0");
    }

    @Test
    void theSettingsAreMountedWhereTheNodeReadsThem() {
        assertThat(texts(container().path("args"))).containsExactly("--config", CONFIG_PATH);
        JsonNode mount = named(container().path("volumeMounts"), "name", "config");
        String dir = CONFIG_PATH.substring(0, CONFIG_PATH.lastIndexOf('/'));
        assertThat(mount.path("mountPath").asText()).isEqualTo(dir);
        JsonNode volume = named(podSpec().path("volumes"), "name", "config");
        assertThat(volume.path("configMap").path("name").asText()).isEqualTo("tributary-config");
        JsonNode item = named(volume.path("configMap").path("items"), "key", "tributary.properties");
        assertThat(item.path("path").asText()).isEqualTo(CONFIG_PATH.substring(dir.length() + 1));
    }

    @Test
    void probesUseTheContainersPorts() {
        Set<String> portNames = StreamSupport.stream(container().path("ports").spliterator(), false)
                .map(p -> p.path("name").asText())
                .collect(Collectors.toSet());
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode p = container().path(probe);
            assertThat(p.isMissingNode()).as(probe).isFalse();
            JsonNode port = p.has("tcpSocket")
                    ? p.path("tcpSocket").path("port")
                    : p.path("httpGet").path("port");
            assertThat(portNames).as(probe + " port").contains(port.asText());
        }
        // The ops listener's probes: /health/ready turns false while Kafka is unreachable and first on a stop.
        JsonNode readiness = container().path("readinessProbe").path("httpGet");
        assertThat(readiness.path("port").asText()).isEqualTo("ops");
        assertThat(readiness.path("path").asText()).isEqualTo("/health/ready");
        JsonNode liveness = container().path("livenessProbe").path("httpGet");
        assertThat(liveness.path("port").asText()).isEqualTo("ops");
        assertThat(liveness.path("path").asText())
                .as("not ready is no reason to restart: Kafka may be down")
                .isEqualTo("/health/live");
    }

    @Test
    void servicesAndTheDisruptionBudgetSelectTheNodesAndTheirPorts() {
        JsonNode podLabels =
                statefulSet().path("spec").path("template").path("metadata").path("labels");
        String app = podLabels.path(APP_LABEL).asText();
        assertThat(app).isEqualTo("tributary");
        assertThat(statefulSet()
                        .path("spec")
                        .path("selector")
                        .path("matchLabels")
                        .path(APP_LABEL)
                        .asText())
                .isEqualTo(app);
        Set<String> portNames = Set.of("mqtt", "admin");
        for (String name : List.of("tributary-mqtt", "tributary-nodes")) {
            JsonNode service = DeployFiles.kubernetesObject("Service", name).path("spec");
            assertThat(service.path("selector").path(APP_LABEL).asText())
                    .as(name)
                    .isEqualTo(app);
            service.path("ports")
                    .forEach(p -> assertThat(portNames)
                            .as(name + " targetPort")
                            .contains(p.path("targetPort").asText()));
        }
        assertThat(named(
                                DeployFiles.kubernetesObject("Service", "tributary-mqtt")
                                        .path("spec")
                                        .path("ports"),
                                "name",
                                "mqtt")
                        .path("port")
                        .asInt())
                .isEqualTo(containerPort("mqtt"));
        JsonNode headless = DeployFiles.kubernetesObject("Service", "tributary-nodes");
        assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(statefulSet().path("spec").path("serviceName").asText()).isEqualTo("tributary-nodes");
        JsonNode pdb =
                DeployFiles.kubernetesObject("PodDisruptionBudget", "tributary").path("spec");
        assertThat(pdb.path("selector").path("matchLabels").path(APP_LABEL).asText())
                .isEqualTo(app);
        assertThat(pdb.path("maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    void thePodRunsAsTheImagesNonRootUser() {
        String[] user = expected("user").split(":");
        JsonNode security = podSpec().path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(security.path("runAsUser").asText()).isEqualTo(user[0]);
        assertThat(security.path("runAsGroup").asText()).isEqualTo(user[1]);
        JsonNode mounts = container().path("volumeMounts");
        assertThat(container()
                        .path("securityContext")
                        .path("readOnlyRootFilesystem")
                        .asBoolean())
                .isTrue();
        assertThat(named(mounts, "mountPath", "/tmp").isMissingNode())
                .as("a writable /tmp for the JVM and Netty's native libraries")
                .isFalse();
        assertThat(container().path("resources").path("limits").path("memory").asText())
                .isNotBlank();
    }

    @Test
    void theKustomizationListsEveryManifestAndNamesTheImage() {
        JsonNode kustomization = DeployFiles.yaml(DeployFiles.deployDir().resolve("kubernetes/kustomization.yaml"));
        assertThat(texts(kustomization.path("resources")))
                .containsExactlyInAnyOrderElementsOf(DeployFiles.kubernetesManifests().stream()
                        .map(Path::getFileName)
                        .map(Path::toString)
                        .toList());
        JsonNode image = kustomization.path("images").get(0);
        assertThat(container().path("image").asText())
                .isEqualTo(image.path("name").asText() + ":" + expected("version"));
        assertThat(image.path("newTag").asText()).isEqualTo(expected("version"));
    }

    @Test
    void theNodeTakesSettingsFromTheEnvironmentThroughTheConfigProvider() {
        // Any variable of this JVM's environment stands in for POD_NAME / HOSTNAME.
        Map.Entry<String, String> variable = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")
                        && !e.getValue().isBlank())
                .findFirst()
                .orElseThrow();
        Map<String, Object> settings = new HashMap<>(configMapSettings());
        settings.put(BrokerConfig.NODE_ID_CONFIG, "${env:" + variable.getKey() + "}");
        assertThat(new BrokerConfig(settings).nodeId())
                .isEqualTo(variable.getValue().trim());
    }
}
