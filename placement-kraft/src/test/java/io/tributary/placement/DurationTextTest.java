/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations in messages read as people write them, never as ISO-8601 ({@code PT30S}). */
class DurationTextTest {

    @Test
    void eachRangeInItsUnit() {
        assertThat(DurationText.of(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(DurationText.of(Duration.ZERO)).isEqualTo("0 ms");
        assertThat(DurationText.of(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(DurationText.of(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(DurationText.of(Duration.ofMinutes(2))).isEqualTo("2 min");
        assertThat(DurationText.of(Duration.ofSeconds(90))).isEqualTo("1 min 30 s");
        assertThat(DurationText.of(Duration.ofMinutes(65))).isEqualTo("1 h 5 min");
        assertThat(DurationText.of(Duration.ofDays(7))).isEqualTo("7 d");
        assertThat(DurationText.ofMillis(120_000)).isEqualTo("2 min");
    }

    @Test
    void neverIso8601() {
        assertThat(DurationText.of(Duration.ofSeconds(30))).doesNotContain("PT");
    }
}
