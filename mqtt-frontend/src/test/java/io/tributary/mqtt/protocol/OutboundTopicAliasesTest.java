/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Aliases the server assigns to the topics it sends on one connection, least recently used replaced first. */
class OutboundTopicAliasesTest {

    @Test
    void aTopicGetsTheNextFreeAliasAndKeepsIt() {
        OutboundTopicAliases aliases = new OutboundTopicAliases(3);
        assertThat(aliases.existing("a")).isZero();
        assertThat(aliases.bind("a")).isEqualTo(1);
        assertThat(aliases.bind("b")).isEqualTo(2);
        assertThat(aliases.existing("a")).isEqualTo(1);
        assertThat(aliases.existing("b")).isEqualTo(2);
        assertThat(aliases.existing("c")).isZero();
    }

    @Test
    void neverExceedsTheClientsMaximumAndReusesTheLeastRecentlyUsedAlias() {
        // [MQTT-3.3.2-11]: no alias above the client's Topic Alias Maximum.
        OutboundTopicAliases aliases = new OutboundTopicAliases(2);
        assertThat(aliases.bind("a")).isEqualTo(1);
        assertThat(aliases.bind("b")).isEqualTo(2);
        assertThat(aliases.existing("a")).isEqualTo(1); // "a" used again: "b" is now the least recently used
        assertThat(aliases.bind("c")).isEqualTo(2);
        assertThat(aliases.existing("b")).isZero();
        assertThat(aliases.existing("c")).isEqualTo(2);
        assertThat(aliases.bind("d")).isEqualTo(1); // "a" is now the least recently used
        assertThat(aliases.existing("a")).isZero();
        assertThat(aliases.size()).isEqualTo(2);
        for (int i = 0; i < 1000; i++) {
            int alias = aliases.bind("t" + i);
            assertThat(alias).isBetween(1, 2);
        }
    }

    @Test
    void theMaximumMustBeAValidTopicAliasMaximum() {
        assertThatThrownBy(() -> new OutboundTopicAliases(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OutboundTopicAliases(65536)).isInstanceOf(IllegalArgumentException.class);
    }
}
