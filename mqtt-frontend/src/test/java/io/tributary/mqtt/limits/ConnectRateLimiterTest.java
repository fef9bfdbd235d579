/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-address token bucket, on an injected clock. */
class ConnectRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void burstThenOnePerRefillInterval() throws Exception {
        ConnectRateLimiter limiter = new ConnectRateLimiter(2, 3, nanos::get);
        InetAddress a = InetAddress.getByName("10.0.0.1");
        InetAddress b = InetAddress.getByName("10.0.0.2");
        assertThat(limiter.tryAcquire(a)).isTrue();
        assertThat(limiter.tryAcquire(a)).isTrue();
        assertThat(limiter.tryAcquire(a)).isTrue();
        assertThat(limiter.tryAcquire(a)).as("burst of 3 used up").isFalse();
        assertThat(limiter.tryAcquire(b))
                .as("another address has its own bucket")
                .isTrue();
        nanos.addAndGet(500_000_000L); // 2 per second: one token back
        assertThat(limiter.tryAcquire(a)).isTrue();
        assertThat(limiter.tryAcquire(a)).isFalse();
    }

    @Test
    void idleAddressesAreForgotten() throws Exception {
        ConnectRateLimiter limiter = new ConnectRateLimiter(10, 5, nanos::get);
        for (int i = 0; i < 50; i++) {
            limiter.tryAcquire(InetAddress.getByAddress(new byte[] {10, 1, 0, (byte) i}));
        }
        assertThat(limiter.trackedAddresses()).isEqualTo(50);
        nanos.addAndGet(5_000_000_000L); // longer than a refill plus a second
        assertThat(limiter.trackedAddresses()).isZero();
    }

    @Test
    void zeroRateIsUnlimited() throws Exception {
        ConnectRateLimiter limiter = new ConnectRateLimiter(0, 1, nanos::get);
        InetAddress a = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryAcquire(a)).isTrue();
        }
    }
}
