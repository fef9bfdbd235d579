/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic filter syntax (section 4.7 of MQTT 5.0) and which topic names a filter matches. */
class TopicFilterTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sport/tennis/player1/#",
                "sport/#",
                "#",
                "+",
                "+/tennis/#",
                "sport/+/player1",
                "/+",
                "+/+",
                "/",
                "a//b",
                "$SYS/#",
                "sport/tennis/+"
            })
    void acceptsValidFilters(String filter) {
        TopicFilter f = TopicFilter.parse(filter);
        assertThat(f.text()).isEqualTo(filter);
        assertThat(f.isShared()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sport/tennis#", "sport/tennis/#/ranking", "#/a", "##", "a/#b"})
    void multiLevelWildcardMustBeAWholeLastLevel(String filter) {
        // [MQTT-4.7.1-1]
        assertThatThrownBy(() -> TopicFilter.parse(filter))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MQTT-4.7.1-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sport+", "sport/+tennis", "a/++/b", "+a"})
    void singleLevelWildcardMustBeAWholeLevel(String filter) {
        // [MQTT-4.7.1-2]
        assertThatThrownBy(() -> TopicFilter.parse(filter))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MQTT-4.7.1-2");
    }

    @Test
    void emptyFilterIsInvalid() {
        // [MQTT-4.7.3-1]
        assertThatThrownBy(() -> TopicFilter.parse("")).hasMessageContaining("MQTT-4.7.3-1");
    }

    @Test
    void nullCharacterIsInvalid() {
        assertThatThrownBy(() -> TopicFilter.parse("a/\u0000")).hasMessageContaining("MQTT-4.7.3-2");
    }

    @Test
    void sharedSubscriptionSplitsIntoGroupAndFilter() {
        TopicFilter f = TopicFilter.parse("$share/consumers/sport/+/player1");
        assertThat(f.isShared()).isTrue();
        assertThat(f.shareGroup()).isEqualTo("consumers");
        assertThat(f.levels()).containsExactly("sport", "+", "player1");
        assertThat(f.matches("sport/tennis/player1")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"$share/group", "$share//a", "$share/group/", "$share/gr+oup/a", "$share/gr#oup/a", "$share/g/a#"
            })
    void invalidSharedSubscriptions(String filter) {
        assertThatThrownBy(() -> TopicFilter.parse(filter)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shareLikePrefixWithoutTheSlashIsAnOrdinaryFilter() {
        assertThat(TopicFilter.parse("$shared/a").isShared()).isFalse();
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "sport/tennis/player1/#, sport/tennis/player1, true",
        "sport/tennis/player1/#, sport/tennis/player1/ranking, true",
        "sport/tennis/player1/#, sport/tennis/player1/score/wimbledon, true",
        "sport/#, sport, true",
        "sport/tennis/#, sport/tennis, true",
        "sport/tennis/#, sport/tennisX, false",
        "#, sport/tennis, true",
        "#, /, true",
        "sport/tennis/+, sport/tennis/player1, true",
        "sport/tennis/+, sport/tennis/player1/ranking, false",
        "sport/tennis/+, sport/tennis, false",
        "sport/+, sport/, true",
        "sport/+, sport, false",
        "+/+, /finance, true",
        "/+, /finance, true",
        "+, /finance, false",
        "+, finance, true",
        "+/+/+, a//c, true",
        "a/+/c, a//c, true",
        "sport, Sport, false",
        "a/b, a/b/, false",
    })
    void matching(String filter, String topic, boolean expected) {
        assertThat(TopicFilter.parse(filter).matches(topic)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "#, $SYS/broker/uptime, false",
        "+/broker/uptime, $SYS/broker/uptime, false",
        "+/monitor/Clients, $SYS/monitor/Clients, false",
        "$SYS/#, $SYS/broker/uptime, true",
        "$SYS/monitor/+, $SYS/monitor/Clients, true",
        "a/#, a/$b, true",
        "a/+, a/$b, true",
    })
    void topicsStartingWithDollarAreNotMatchedByALeadingWildcard(String filter, String topic, boolean expected) {
        // [MQTT-4.7.2-1]
        assertThat(TopicFilter.parse(filter).matches(topic)).isEqualTo(expected);
    }

    @Test
    void wildcardsAreReported() {
        assertThat(TopicFilter.parse("a/b").hasWildcards()).isFalse();
        assertThat(TopicFilter.parse("a/+").hasWildcards()).isTrue();
        assertThat(TopicFilter.parse("a/#").hasWildcards()).isTrue();
    }
}
