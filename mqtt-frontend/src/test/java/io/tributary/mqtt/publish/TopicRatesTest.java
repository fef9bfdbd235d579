/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-topic counts and rates for the console, with the number of topics held bounded. */
class TopicRatesTest {

    @Test
    void ratesAreTheCountsOfTheLastPeriodBusiestFirst() {
        TopicRates rates = new TopicRates();
        rates.count("a");
        assertThat(rates.rates(10_000)).containsExactly(new TopicRates.TopicRate("a", 1, 0));
        for (int i = 0; i < 4; i++) {
            rates.count("b");
        }
        rates.count("a");
        rates.count("a");

        List<TopicRates.TopicRate> after2s = rates.rates(12_000);
        assertThat(after2s)
                .containsExactly(new TopicRates.TopicRate("b", 4, 2.0), new TopicRates.TopicRate("a", 3, 1.0));
        assertThat(rates.rates(12_500)).as("not resampled within a second").isSameAs(after2s);
    }

    @Test
    void topicsBeyondTheBoundAreCountedTogether() {
        TopicRates rates = new TopicRates();
        for (int i = 0; i < TopicRates.MAX_TOPICS + 5; i++) {
            rates.count("t/" + i);
        }
        List<TopicRates.TopicRate> all = rates.rates(5_000);
        assertThat(all).hasSize(TopicRates.MAX_TOPICS + 1);
        assertThat(all)
                .filteredOn(r -> r.topic().equals(TopicRates.OTHER_TOPICS))
                .singleElement()
                .satisfies(r -> assertThat(r.messages()).isEqualTo(5));
    }
}
