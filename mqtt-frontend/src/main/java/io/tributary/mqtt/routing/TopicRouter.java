/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.routing;

import io.tributary.mqtt.config.KeyTemplate;
import io.tributary.mqtt.config.MappingRule;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Decides which Kafka topic and key an MQTT topic maps to (first matching rule wins, else the default
 * message topic with key = MQTT topic), and, the other way, which MQTT topic a Kafka record stands for.
 */
public final class TopicRouter {

    /** Where one PUBLISH goes. {@code topicInHeader} when the key is not the MQTT topic. */
    public record Route(String kafkaTopic, byte[] key, boolean topicInHeader) {}

    /** The rules in force, replaced as a whole so that a lookup sees one consistent set. */
    private record Table(List<MappingRule> rules, Map<String, MappingRule> ruleByKafkaTopic) {
        static Table of(List<MappingRule> rules) {
            Map<String, MappingRule> byTopic = new HashMap<>();
            for (MappingRule rule : rules) {
                byTopic.putIfAbsent(rule.kafkaTopic(), rule);
            }
            return new Table(List.copyOf(rules), byTopic);
        }
    }

    private final String defaultTopic;
    private volatile Table table;
    private volatile UnaryOperator<Message> forSubscribers = UnaryOperator.identity();

    public TopicRouter(String defaultTopic, List<MappingRule> rules) {
        this.defaultTopic = defaultTopic;
        this.table = Table.of(rules);
    }

    /**
     * Replaces the mapping rules (cluster metadata changed): PUBLISHes routed after this call use them. The
     * caller makes sure every Kafka topic they name exists and is read before it calls.
     */
    public void update(List<MappingRule> rules) {
        this.table = Table.of(rules);
    }

    public Route route(String mqttTopic) {
        List<MappingRule> rules = table.rules();
        if (!rules.isEmpty()) {
            List<String> levels = TopicName.levels(mqttTopic);
            for (MappingRule rule : rules) {
                if (rule.filter().matches(levels)) {
                    String key = KeyTemplate.expand(rule.keyTemplate(), mqttTopic, levels);
                    return new Route(rule.kafkaTopic(), key.getBytes(StandardCharsets.UTF_8), !key.equals(mqttTopic));
                }
            }
        }
        return new Route(defaultTopic, mqttTopic.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Every Kafka topic that carries MQTT messages: read by the shard readers, created at start. */
    public Set<String> messageTopics() {
        Set<String> topics = new LinkedHashSet<>();
        topics.add(defaultTopic);
        for (MappingRule rule : table.rules()) {
            topics.add(rule.kafkaTopic());
        }
        return topics;
    }

    /**
     * The Kafka topics a subscription to {@code filterLevels} may receive messages from: the default topic (any
     * MQTT topic no rule maps lands there, and plain Kafka producers may write any topic into it), and each rule's
     * topic whose filter has a topic in common with the subscription, or whose {@code mqtt.topic} template makes
     * topics of plain records' keys (their shape is not known). None for a {@code $} filter: no message record
     * carries a {@code $} topic.
     */
    public Set<String> kafkaTopicsFor(List<String> filterLevels) {
        if (filterLevels.get(0).startsWith("$")) {
            return Set.of();
        }
        List<MappingRule> rules = table.rules();
        if (rules.isEmpty()) {
            return Set.of(defaultTopic);
        }
        Set<String> topics = new LinkedHashSet<>();
        topics.add(defaultTopic);
        for (MappingRule rule : rules) {
            if (rule.mqttTopicTemplate() != null
                    || TopicFilter.overlap(rule.filter().levels(), filterLevels)) {
                topics.add(rule.kafkaTopic());
            }
        }
        return topics;
    }

    /**
     * The MQTT topic of a record that has no {@code mqtt.topic} header: the rule's template applied to the
     * key, or the key itself. Null when neither yields a valid topic name.
     */
    public @Nullable String mqttTopicFor(String kafkaTopic, byte @Nullable [] key) {
        if (key == null) {
            return null;
        }
        String keyText = new String(key, StandardCharsets.UTF_8);
        MappingRule rule = table.ruleByKafkaTopic().get(kafkaTopic);
        String topic = rule != null && rule.mqttTopicTemplate() != null
                ? KeyTemplate.expandKey(rule.mqttTopicTemplate(), keyText)
                : keyText;
        return TopicName.invalidReason(topic) == null ? topic : null;
    }

    /**
     * Sets what a Kafka record's message becomes on its way to MQTT subscribers (schema bindings decode records
     * in a registry's wire format to JSON). The shard readers apply it to every record they deliver.
     */
    public void forSubscribers(UnaryOperator<Message> view) {
        this.forSubscribers = view;
    }

    /** A record's message as MQTT subscribers get it; may block on a registry lookup (reader threads only). */
    public Message forSubscribers(Message message) {
        return forSubscribers.apply(message);
    }

    public List<MappingRule> rules() {
        return new ArrayList<>(table.rules());
    }
}
