/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The table of topic aliases a client sets on one connection (MQTT 5 section 3.3.2.3.4). */
class InboundTopicAliasesTest {

    @Test
    void aliasZeroAndAliasesAboveTheMaximumAreInvalid() {
        // [MQTT-3.3.2-8] alias 0 is not permitted; [MQTT-3.3.2-9] none above the advertised maximum.
        InboundTopicAliases aliases = new InboundTopicAliases(10);
        assertThat(aliases.isValid(0)).isFalse();
        assertThat(aliases.isValid(11)).isFalse();
        assertThat(aliases.isValid(-1)).isFalse();
        assertThat(aliases.isValid(1)).isTrue();
        assertThat(aliases.isValid(10)).isTrue();
        assertThatThrownBy(() -> aliases.bind(11, "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMaximumOfZeroAcceptsNoAlias() {
        InboundTopicAliases aliases = new InboundTopicAliases(0);
        assertThat(aliases.isValid(1)).isFalse();
        assertThat(aliases.topic(1)).isNull();
    }

    @Test
    void everyAliasUpToTheMaximumCanBeSetReadAndReplaced() {
        // [MQTT-3.3.2-12]: the server accepts every alias from 1 to its maximum, here beyond the initial array.
        InboundTopicAliases aliases = new InboundTopicAliases(65535);
        assertThat(aliases.topic(1)).isNull();
        assertThat(aliases.topic(65535)).isNull();
        aliases.bind(1, "a/b");
        aliases.bind(17, "c");
        aliases.bind(65535, "last");
        assertThat(aliases.topic(1)).isEqualTo("a/b");
        assertThat(aliases.topic(17)).isEqualTo("c");
        assertThat(aliases.topic(16)).isNull();
        assertThat(aliases.topic(65535)).isEqualTo("last");
        aliases.bind(1, "x"); // a topic name with a known alias replaces the mapping
        assertThat(aliases.topic(1)).isEqualTo("x");
    }
}
