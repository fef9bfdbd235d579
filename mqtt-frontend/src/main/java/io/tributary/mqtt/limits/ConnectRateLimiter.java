/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * New connections per second per source address: one token bucket per address. The buckets live in a
 * Caffeine cache that forgets an address idle long enough for its bucket to be full again and holds at most
 * {@link #MAX_ADDRESSES}, so a scan from many addresses cannot grow the node's memory. The bucket itself is
 * a few lines of arithmetic; a rate-limiting library (none is in the dependency set) would add little.
 */
public final class ConnectRateLimiter {

    /** Addresses tracked at once; beyond it the least recently seen are forgotten (and start with a full bucket). */
    static final long MAX_ADDRESSES = 100_000;

    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private final Cache<InetAddress, Bucket> buckets;

    /** @param perSecond tokens added per second; 0 or less disables the limit */
    public ConnectRateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.nanoClock = nanoClock;
        // Idle until the bucket refilled, plus a second: forgetting it then changes nothing.
        long refillNanos = perSecond > 0 ? (long) (this.burst / perSecond * 1e9) : 0;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_ADDRESSES)
                .expireAfterAccess(Duration.ofNanos(refillNanos).plusSeconds(1))
                .ticker(nanoClock::getAsLong)
                .build();
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** Takes one token for a connection from {@code address}; false when its bucket is empty. */
    public boolean tryAcquire(InetAddress address) {
        if (!enabled()) {
            return true;
        }
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(address, a -> new Bucket(burst, now));
        return bucket.tryTake(now, perSecond, burst);
    }

    /** Addresses currently tracked (for tests: the map stays bounded). */
    long trackedAddresses() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized boolean tryTake(long now, double perSecond, int burst) {
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
