/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.deploy;

import static io.tributary.mqtt.deploy.DeployFiles.CONFIG_PATH;
import static io.tributary.mqtt.deploy.DeployFiles.expected;
import static io.tributary.mqtt.deploy.DeployFiles.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.deploy.ImageArchive.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image the build wrote (mqtt-frontend's image-check profile: Jib's {@code buildTar} on an empty
 * base, so no registry and no Docker daemon are needed), read back from its tar: what a container of it runs, as
 * whom, on which ports, with which settings and labels, and that the node's classes and libraries are in it. The
 * image of the image profile differs only in its base (a JRE), which the same configuration names.
 */
class ContainerImageIT {

    private static final String MAIN_CLASS = "io.tributary.mqtt.server.TributaryCommand";

    private static ImageArchive image;

    @BeforeAll
    static void readImage() throws IOException {
        Path tar = Path.of(System.getProperty("image.tar", "target/image-check/tributary-image.tar"));
        assertThat(tar).as("the image the package phase built").exists();
        image = ImageArchive.read(tar);
    }

    private static JsonNode config() {
        return image.containerConfig();
    }

    @Test
    void runsTheNodeWithTheSettingsFileAsItsArguments() {
        List<String> entrypoint = texts(config().path("Entrypoint"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint)
                .contains("-XX:+UseZGC", "-XX:MaxRAMPercentage=60")
                .endsWith(MAIN_CLASS);
        // Arguments, so `docker run IMAGE admin ...` replaces them with a subcommand.
        assertThat(texts(config().path("Cmd"))).containsExactly("--config", CONFIG_PATH);
        int cp = entrypoint.indexOf("-cp");
        assertThat(cp).isPositive();
        String classPathFile = entrypoint.get(cp + 1); // "@/app/jib-classpath-file": java reads it as arguments
        assertThat(classPathFile).startsWith("@/");
        List<String> classPath = List.of(
                image.files().get(classPathFile.substring(2)).text().trim().split(":"));
        assertThat(classPath).contains("/app/classes");
        for (String element : classPath) {
            String path = element.endsWith("/*") ? element.substring(1, element.length() - 2) : element.substring(1);
            assertThat(image.files()).as("class path element " + element).containsKey(path);
        }
    }

    @Test
    void runsAsANonRootUserAndExposesTheListeners() {
        String user = config().path("User").asText();
        assertThat(user).isEqualTo(expected("user"));
        assertThat(user.split(":")[0]).isNotEqualTo("0").matches("\\d+");
        Set<String> ports = Set.copyOf(fieldNames(config().path("ExposedPorts")));
        assertThat(ports)
                .containsExactlyInAnyOrder(
                        expected("mqtt.port") + "/tcp", expected("admin.port") + "/tcp", expected("ops.port") + "/tcp");
        assertThat(config().path("WorkingDir").asText()).isEqualTo("/var/lib/tributary");
        Entry workDir = image.files().get("var/lib/tributary");
        assertThat(workDir.directory()).isTrue();
        assertThat(workDir.mode() & 0002).as("writable for the non-root user").isNotZero();
    }

    @Test
    void carriesTheDefaultSettingsForAContainer() throws IOException {
        String inImage = image.files().get(CONFIG_PATH.substring(1)).text();
        assertThat(inImage).isEqualTo(Files.readString(DeployFiles.deployDir().resolve("image/root" + CONFIG_PATH)));
        Map<String, String> settings = DeployFiles.properties(inImage);
        assertThat(DeployFiles.unknownKeys(settings)).isEmpty();
        BrokerConfig config = DeployFiles.brokerConfig(settings, Map.of("HOSTNAME", "4f2a9c1e7d3b"));
        assertThat(config.nodeId()).as("one node id per container").isEqualTo("4f2a9c1e7d3b");
        assertThat(config.getString(BrokerConfig.MQTT_BIND_CONFIG)).isEqualTo("0.0.0.0");
        assertThat(config.getInt(BrokerConfig.MQTT_PORT_CONFIG)).isEqualTo(Integer.parseInt(expected("mqtt.port")));
        assertThat(config.getString(BrokerConfig.DATA_DIR_CONFIG)).startsWith("/var/lib/tributary/");
        assertThat(config.getString(OpsSettings.OPS_HTTP_LISTENER_CONFIG))
                .as("the platform's health checks reach the probes")
                .isEqualTo("0.0.0.0:" + expected("ops.port"));
        assertThat(image.files()).containsKey("usr/share/doc/tributary/LICENSE");
    }

    @Test
    void holdsTheNodesClassesAndItsRuntimeLibraries() {
        Set<String> libs = image.files().keySet().stream()
                .filter(p -> p.startsWith("app/libs/") && p.endsWith(".jar"))
                .map(p -> p.substring("app/libs/".length()))
                .collect(Collectors.toSet());
        String version = expected("version");
        assertThat(libs)
                .contains(
                        "kafka-clients-" + expected("kafka.version") + ".jar",
                        "tributary-record-contract-" + version + ".jar",
                        "tributary-placement-kraft-" + version + ".jar")
                .anyMatch(l -> l.startsWith("netty-codec-mqtt-"))
                .anyMatch(l -> l.startsWith("log4j-core-"))
                .noneMatch(l -> Stream.of("junit", "assertj", "awaitility", "paho", "hivemq", "archunit")
                        .anyMatch(l::contains));
        assertThat(image.files())
                .containsKey("app/classes/" + MAIN_CLASS.replace('.', '/') + ".class")
                .containsKey("app/resources/log4j2.xml");
    }

    @Test
    void isLabelledWithVersionSourceAndLicence() {
        JsonNode labels = config().path("Labels");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(expected("version"));
        assertThat(labels.path("org.opencontainers.image.licenses").asText()).isEqualTo("Apache-2.0");
        assertThat(labels.path("org.opencontainers.image.source").asText()).isNotBlank();
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("Tributary");
        assertThat(texts(image.manifest().path("RepoTags"))).containsExactly("tributary:" + expected("version"));
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
