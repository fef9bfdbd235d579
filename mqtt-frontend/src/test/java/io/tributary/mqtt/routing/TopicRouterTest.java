/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.config.BrokerConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TopicRouterTest {

    private static TopicRouter router(Map<String, String> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        return new TopicRouter("mqtt.messages", new BrokerConfig(props).mappingRules());
    }

    @Test
    void unmappedTopicsGoToTheDefaultTopicKeyedByTopic() {
        TopicRouter.Route r = router(Map.of()).route("a/b/c");
        assertThat(r.kafkaTopic()).isEqualTo("mqtt.messages");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("a/b/c");
        assertThat(r.topicInHeader()).isFalse();
    }

    @Test
    void firstMatchingRuleWinsAndKeyComesFromTheTemplate() {
        TopicRouter router = router(Map.of(
                "mapping.rules", "telemetry,all-factory",
                "mapping.rule.telemetry.filter", "factory/+/telemetry/#",
                "mapping.rule.telemetry.kafka.topic", "telemetry",
                "mapping.rule.telemetry.key", "site-{2}",
                "mapping.rule.all-factory.filter", "factory/#",
                "mapping.rule.all-factory.kafka.topic", "factory"));
        TopicRouter.Route t = router.route("factory/d7/telemetry/temp");
        assertThat(t.kafkaTopic()).isEqualTo("telemetry");
        assertThat(new String(t.key(), StandardCharsets.UTF_8)).isEqualTo("site-d7");
        assertThat(t.topicInHeader()).isTrue();
        TopicRouter.Route f = router.route("factory/d7/alarm");
        assertThat(f.kafkaTopic()).isEqualTo("factory");
        assertThat(f.topicInHeader()).isFalse();
        assertThat(router.messageTopics()).containsExactly("mqtt.messages", "telemetry", "factory");
    }

    @Test
    void plainRecordsGetTheirTopicFromKeyOrTemplate() {
        TopicRouter router = router(Map.of(
                "mapping.rules", "t",
                "mapping.rule.t.filter", "factory/+/telemetry",
                "mapping.rule.t.kafka.topic", "telemetry",
                "mapping.rule.t.key", "{2}",
                "mapping.rule.t.mqtt.topic", "factory/{key}/telemetry"));
        assertThat(router.mqttTopicFor("telemetry", "d9".getBytes())).isEqualTo("factory/d9/telemetry");
        assertThat(router.mqttTopicFor("mqtt.messages", "x/y".getBytes())).isEqualTo("x/y");
        assertThat(router.mqttTopicFor("mqtt.messages", "bad/#".getBytes())).isNull();
        assertThat(router.mqttTopicFor("mqtt.messages", null)).isNull();
    }

    @Test
    void unknownPlaceholderIsRefused() {
        assertThatThrownBy(() -> router(Map.of(
                        "mapping.rules",
                        "t",
                        "mapping.rule.t.filter",
                        "a/#",
                        "mapping.rule.t.kafka.topic",
                        "x",
                        "mapping.rule.t.key",
                        "{device}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mapping.rule.t.key");
    }

    @Test
    void ruleOntoAnInternalTopicIsRefused() {
        assertThatThrownBy(() -> router(Map.of(
                        "mapping.rules",
                        "t",
                        "mapping.rule.t.filter",
                        "a/#",
                        "mapping.rule.t.kafka.topic",
                        "mqtt.sessions")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("internal topic");
    }
}
