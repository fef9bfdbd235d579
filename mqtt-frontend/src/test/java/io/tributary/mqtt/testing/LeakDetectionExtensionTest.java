/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The guard itself: a buffer that is never released is reported, so a leak in the broker fails the build. */
class LeakDetectionExtensionTest {

    @Test
    void anUnreleasedBufferIsReported() {
        leakOne();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !LeakDetectionExtension.collectLeaks().isEmpty());
        assertThat(LeakDetectionExtension.collectLeaks())
                .as("reports are handed out once")
                .isEmpty();
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(128);
        leaked.writeLong(42); // dropped without release()
    }
}
