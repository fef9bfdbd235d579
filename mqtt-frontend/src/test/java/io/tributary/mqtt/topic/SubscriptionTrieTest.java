/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The node's subscription trie gives the same answers as {@link TopicFilter#matches}, and forgets removals. */
class SubscriptionTrieTest {

    private final SubscriptionTrie<String, String> trie = new SubscriptionTrie<>();

    private void put(String subscriber, String filter) {
        trie.put(TopicFilter.parse(filter).levels(), subscriber, filter);
    }

    private List<String> match(String topic) {
        List<String> hits = new ArrayList<>();
        trie.match(TopicName.levels(topic), (s, filter) -> hits.add(s + ":" + filter));
        return hits;
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "sport/tennis/player1/#, sport/tennis/player1, true",
        "sport/tennis/player1/#, sport/tennis/player1/score/wimbledon, true",
        "sport/#, sport, true",
        "#, sport/tennis, true",
        "sport/tennis/+, sport/tennis/player1, true",
        "sport/tennis/+, sport/tennis/player1/ranking, false",
        "sport/tennis/+, sport/tennis, false",
        "sport/+, sport/, true",
        "sport/+, sport, false",
        "+/+, /finance, true",
        "/+, /finance, true",
        "+, /finance, false",
        "a/+/c, a//c, true",
        "a/b, a/b/, false",
        "#, $SYS/broker/uptime, false",
        "+/broker/uptime, $SYS/broker/uptime, false",
        "$SYS/#, $SYS/broker/uptime, true",
        "$SYS/#, $SYS, true",
        "$SYS/+/uptime, $SYS/broker/uptime, true",
        "a/#, a/$b, true",
    })
    void matchesLikeTheFilter(String filter, String topic, boolean expected) {
        put("c1", filter);
        assertThat(match(topic)).isEqualTo(expected ? List.of("c1:" + filter) : List.of());
        assertThat(TopicFilter.parse(filter).matches(topic))
                .as("TopicFilter agrees")
                .isEqualTo(expected);
    }

    @Test
    void everyMatchingFilterOfEverySubscriberIsVisitedOnce() {
        put("c1", "a/#");
        put("c1", "a/+");
        put("c1", "a/b");
        put("c2", "#");
        put("c3", "x/y");
        assertThat(match("a/b")).containsExactlyInAnyOrder("c1:a/#", "c1:a/+", "c1:a/b", "c2:#");
    }

    @Test
    void putReplacesTheOptionsOfTheSameSubscriberAndFilter() {
        trie.put(List.of("a"), "c1", "first");
        trie.put(List.of("a"), "c1", "second");
        assertThat(match("a")).containsExactly("c1:second");
    }

    @Test
    void removedSubscriptionNoLongerMatches() {
        put("c1", "a/+");
        put("c2", "a/+");
        assertThat(trie.remove(TopicFilter.parse("a/+").levels(), "c1")).isTrue();
        assertThat(match("a/b")).containsExactly("c2:a/+");
        assertThat(trie.remove(TopicFilter.parse("a/+").levels(), "c1"))
                .as("already gone")
                .isFalse();
        assertThat(trie.remove(TopicFilter.parse("never/subscribed").levels(), "c1"))
                .isFalse();
    }

    @Test
    void removeThenPutAgainMatches() {
        put("c1", "a/#");
        trie.remove(TopicFilter.parse("a/#").levels(), "c1");
        assertThat(match("a/b")).isEmpty();
        put("c1", "a/#");
        assertThat(match("a/b")).containsExactly("c1:a/#");
    }
}
