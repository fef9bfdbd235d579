/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * The files of {@code deploy/} as the tests read them: YAML documents as trees, properties files as maps, and
 * what the build says the image is (its version, user and ports, handed over as system properties by the
 * image-check profile of mqtt-frontend's POM).
 */
final class DeployFiles {

    /** Where the image, the compose file and the StatefulSet all put the node's settings. */
    static final String CONFIG_PATH = "/etc/tributary/tributary.properties";

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Pattern ENV_VARIABLE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private DeployFiles() {}

    /** {@code deploy/} of the project (the tests run in mqtt-frontend). */
    static Path deployDir() {
        Path dir = Path.of("..", "deploy").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no deploy/ directory at " + dir);
        }
        return dir;
    }

    static Path projectRoot() {
        return deployDir().getParent();
    }

    /** Every document of a YAML file ({@code ---} separated), in order. */
    static List<JsonNode> yamlDocuments(Path file) {
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(Path file) {
        List<JsonNode> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + " has " + docs.size() + " documents, expected one");
        }
        return docs.get(0);
    }

    /** The Kubernetes object of {@code kind} named {@code name} among the documents of deploy/kubernetes. */
    static JsonNode kubernetesObject(String kind, String name) {
        return kubernetesObjects().stream()
                .filter(o -> o.path("kind").asText().equals(kind)
                        && o.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("deploy/kubernetes has no " + kind + " " + name));
    }

    static List<JsonNode> kubernetesObjects() {
        List<JsonNode> all = new ArrayList<>();
        for (Path file : kubernetesManifests()) {
            all.addAll(yamlDocuments(file));
        }
        return all;
    }

    /** The YAML files of deploy/kubernetes other than the kustomization. */
    static List<Path> kubernetesManifests() {
        try (var files = Files.list(deployDir().resolve("kubernetes"))) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> properties(String text) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new HashMap<>();
        props.forEach((k, v) -> out.put(k.toString(), v.toString().trim()));
        return out;
    }

    static Map<String, String> properties(Path file) {
        try {
            return properties(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Keys of a settings file the node does not know: not in {@link BrokerConfig#CONFIG_DEF}, and not one of the
     * prefixed families (Kafka client settings, mapping rules, Kafka's config providers).
     */
    static List<String> unknownKeys(Map<String, String> settings) {
        Set<String> known = BrokerConfig.CONFIG_DEF.names();
        return settings.keySet().stream()
                .filter(k -> !known.contains(k))
                .filter(k -> !k.startsWith(BrokerConfig.KAFKA_CLIENT_PREFIX))
                .filter(k -> !k.startsWith("mapping.rule."))
                .filter(k -> !k.equals("config.providers") && !k.startsWith("config.providers."))
                .sorted()
                .toList();
    }

    /** The names of the environment variables a settings file takes values from ({@code ${env:NAME}}). */
    static Set<String> environmentVariablesUsed(Map<String, String> settings) {
        Set<String> names = new LinkedHashSet<>();
        settings.values().forEach(v -> {
            Matcher m = ENV_VARIABLE.matcher(v);
            while (m.find()) {
                names.add(m.group(1));
            }
        });
        return names;
    }

    /** Builds the node's configuration from a settings file, each {@code ${env:NAME}} given {@code env}'s value. */
    static BrokerConfig brokerConfig(Map<String, String> settings, Map<String, String> env) {
        Map<String, Object> resolved = new HashMap<>();
        settings.forEach((key, value) -> {
            Matcher m = ENV_VARIABLE.matcher(value);
            resolved.put(key, m.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), r.group()))));
        });
        // Resolved here, so the node's own resolution has nothing left to do.
        resolved.keySet().removeIf(k -> k.startsWith("config.providers"));
        return new BrokerConfig(resolved);
    }

    /** A value the build handed to the test JVM (see the image-check profile). */
    static String expected(String name) {
        String value = System.getProperty("image.expected." + name);
        if (value == null) {
            throw new IllegalStateException("system property image.expected." + name
                    + " is not set: run the test through Maven (mqtt-frontend's image-check profile)");
        }
        return value;
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    /** The element of {@code array} whose {@code field} is {@code value}. */
    static JsonNode named(JsonNode array, String field, String value) {
        return StreamSupport.stream(array.spliterator(), false)
                .filter(n -> n.path(field).asText().equals(value))
                .findFirst()
                .orElse(MissingNode.getInstance());
    }
}
