/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MqttTopicFilterTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "a/b/c, a/b/c, true",
        "a/b/c, a/b, false",
        "a/b, a/b/c, false",
        "a/b/c, a/b/cd, false",
        "a/b/cd, a/b/c, false",
        "a/+/c, a/x/c, true",
        "a/+/c, a//c, true",
        "a/+/c, a/x/y/c, false",
        "a/+, a/, true",
        "a/+, a, false",
        "+, a, true",
        "+, a/b, false",
        "+/+, /a, true",
        "/+, /a, true",
        "a/#, a, true",
        "a/#, a/b/c, true",
        "a/#, ab, false",
        "#, a/b/c, true",
        "#, /, true",
        "sensors/+/temperature, sensors/room1/temperature, true",
        "sensors/+/temperature, sensors/room1/humidity, false",
        "a/b/#, a/b, true",
        "a/b/#, a/c, false",
        "A/b, a/b, false",
    })
    void matchesTopicsLevelByLevel(String filter, String topic, boolean expected) {
        assertThat(MqttTopicFilter.parse(filter).matches(topic)).isEqualTo(expected);
    }

    @Test
    void dollarTopicsAreNotMatchedByALeadingWildcard() {
        // [MQTT-4.7.2-1]
        assertThat(MqttTopicFilter.parse("#").matches("$SYS/broker/uptime")).isFalse();
        assertThat(MqttTopicFilter.parse("+/broker/uptime").matches("$SYS/broker/uptime"))
                .isFalse();
        assertThat(MqttTopicFilter.parse("$SYS/#").matches("$SYS/broker/uptime"))
                .isTrue();
        assertThat(MqttTopicFilter.parse("$SYS/+/uptime").matches("$SYS/broker/uptime"))
                .isTrue();
        assertThat(MqttTopicFilter.parse("a/#").matches("a/$b")).isTrue();
    }

    @Test
    void unicodeLevelsCompareExactly() {
        MqttTopicFilter filter = MqttTopicFilter.parse("häuser/+/température");
        assertThat(filter.matches("häuser/küche/température")).isTrue();
        assertThat(filter.matches("hauser/küche/température")).isFalse();
        assertThat(MqttTopicFilter.parse("温度/+").matches("温度/房间1")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a#", "a/b#", "a+/b", "a/+b", "a/\u0000", "$share/g/a/+"})
    void refusesInvalidFilters(String filter) {
        assertThatThrownBy(() -> MqttTopicFilter.parse(filter)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reasonsCiteTheSpecification() {
        assertThatThrownBy(() -> MqttTopicFilter.parse("a/#/b")).hasMessageContaining("[MQTT-4.7.1-1]");
        assertThatThrownBy(() -> MqttTopicFilter.parse("a/b+")).hasMessageContaining("[MQTT-4.7.1-2]");
        assertThatThrownBy(() -> MqttTopicFilter.parse("")).hasMessageContaining("[MQTT-4.7.3-1]");
    }

    @Test
    void knowsItsLevelsAndWildcards() {
        MqttTopicFilter filter = MqttTopicFilter.parse("a/+/c/#");
        assertThat(filter.levels()).containsExactly("a", "+", "c", "#");
        assertThat(filter.hasWildcards()).isTrue();
        assertThat(MqttTopicFilter.parse("a/b").hasWildcards()).isFalse();
        assertThat(filter).isEqualTo(MqttTopicFilter.parse("a/+/c/#")).hasToString("a/+/c/#");
    }
}
