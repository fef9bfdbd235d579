/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import io.tributary.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;

/**
 * One topic mapping rule: MQTT topics matching {@code filter} go to {@code kafkaTopic} with a key built
 * from {@code keyTemplate}; records from plain Kafka producers on {@code kafkaTopic} get their MQTT topic
 * from {@code mqttTopicTemplate}.
 *
 * @param keyTemplate       {@code {topic}} for the whole MQTT topic, {@code {N}} for level N (1-based),
 *                          literal text otherwise
 * @param mqttTopicTemplate null when the record key is the MQTT topic; else a template using {@code {key}}
 */
public record MappingRule(
        String name, TopicFilter filter, String kafkaTopic, String keyTemplate, String mqttTopicTemplate) {

    public static final String FILTER = "filter";
    public static final String KAFKA_TOPIC = "kafka.topic";
    public static final String KEY = "key";
    public static final String MQTT_TOPIC = "mqtt.topic";
    public static final String DEFAULT_KEY_TEMPLATE = "{topic}";

    /** A mapping of the cluster metadata as a rule; {@link IllegalArgumentException}-like failures name what is wrong. */
    public static MappingRule of(io.tributary.placement.Entity.Mapping m) {
        Map<String, Object> props = new java.util.HashMap<>();
        props.put(FILTER, m.filter());
        props.put(KAFKA_TOPIC, m.kafkaTopic());
        if (m.key() != null) {
            props.put(KEY, m.key());
        }
        if (m.mqttTopic() != null) {
            props.put(MQTT_TOPIC, m.mqttTopic());
        }
        return parse(m.name(), props);
    }

    private static final String SETTINGS_PREFIX = "mapping.rule.";

    /**
     * The rules of {@code mapping.rules}, in its (priority) order, each from its {@code mapping.rule.NAME.*}
     * settings.
     *
     * @param settingsWithPrefix the settings under a prefix, without it ({@code AbstractConfig::originalsWithPrefix})
     */
    static List<MappingRule> parseAll(List<String> names, Function<String, Map<String, Object>> settingsWithPrefix) {
        List<MappingRule> rules = new ArrayList<>();
        for (String name : names) {
            rules.add(parse(name, settingsWithPrefix.apply(SETTINGS_PREFIX + name + ".")));
        }
        return Collections.unmodifiableList(rules);
    }

    public static MappingRule parse(String name, Map<String, Object> props) {
        String prefix = SETTINGS_PREFIX + name + ".";
        Object filter = props.get(FILTER);
        Object topic = props.get(KAFKA_TOPIC);
        if (filter == null || filter.toString().isBlank()) {
            throw new ConfigException(prefix + FILTER, filter, "a mapping rule needs an MQTT topic filter");
        }
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(prefix + KAFKA_TOPIC, topic, "a mapping rule needs a Kafka topic");
        }
        TopicFilter parsed;
        try {
            parsed = TopicFilter.parse(filter.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + FILTER, filter, e.getMessage());
        }
        if (parsed.isShared()) {
            throw new ConfigException(prefix + FILTER, filter, "shared subscription filters cannot be mapping rules");
        }
        String key = props.getOrDefault(KEY, DEFAULT_KEY_TEMPLATE).toString();
        KeyTemplate.validate(prefix + KEY, key);
        Object mqttTopic = props.get(MQTT_TOPIC);
        return new MappingRule(
                name,
                parsed,
                topic.toString(),
                key,
                mqttTopic == null || mqttTopic.toString().isBlank() ? null : mqttTopic.toString());
    }
}
