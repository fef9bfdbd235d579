/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetsSummaryTest {
    @Test
    void offsetsRoundTripThroughTheSummaryJson() {
        Map<KafkaPartition, Long> offsets =
                Map.of(new KafkaPartition("mqtt.messages", 0), 124L, new KafkaPartition("site-a-temps", 11), 7L);

        String json = OffsetsSummary.encode(offsets);

        assertThat(json).isEqualTo("{\"mqtt.messages-0\":124,\"site-a-temps-11\":7}");
        assertThat(OffsetsSummary.decode(json)).isEqualTo(offsets);
    }

    @Test
    void theKeyNamesTheConnector() {
        assertThat(OffsetsSummary.offsetsKey("iot-sink")).isEqualTo("tributary.offsets.iot-sink");
    }

    @Test
    void aTopicPartitionParsesAtTheLastDash() {
        assertThat(KafkaPartition.parse("a-b-3")).isEqualTo(new KafkaPartition("a-b", 3));
        assertThatThrownBy(() -> KafkaPartition.parse("nodash")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaPartition.parse("topic-x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreadableSummaryIsAClearError() {
        assertThatThrownBy(() -> OffsetsSummary.decode("{\"no-partition-here\":1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("snapshot summary");
    }
}
