/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The keep alive of one connection: the server closes a connection silent for one and a half keep-alive periods
 * [MQTT-3.1.2-24]. The session handler reports the packets it reads; one timer task, re-armed for the rest of the
 * period when packets came meanwhile, checks. It is not a pipeline handler of its own (as Netty's
 * {@code IdleStateHandler} would be) because an idle node holds one per connection: this costs a third of that.
 * Time is the event loop's ticker, so tests that advance an embedded channel's clock drive it. Event-loop confined.
 */
final class KeepAliveWatch implements Runnable {

    private final ChannelHandlerContext ctx;
    private final long limitNanos;
    private final SessionHandler onSilence;
    private long lastReadNanos;
    private boolean reading;
    private @Nullable ScheduledFuture<?> check;

    KeepAliveWatch(ChannelHandlerContext ctx, long limitMillis, SessionHandler onSilence) {
        this.ctx = ctx;
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMillis);
        this.onSilence = onSilence;
    }

    void start() {
        lastReadNanos = now();
        check = ctx.executor().schedule(this, limitNanos, TimeUnit.NANOSECONDS);
    }

    /** A packet arrived; the read it belongs to ends with {@link #readComplete}. */
    void reading() {
        reading = true;
    }

    void readComplete() {
        if (reading) {
            lastReadNanos = now();
            reading = false;
        }
    }

    void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    @Override
    public void run() {
        if (!ctx.channel().isOpen()) {
            return;
        }
        long left = reading ? limitNanos : limitNanos - (now() - lastReadNanos);
        if (left <= 0) {
            check = null;
            onSilence.keepAliveExpired();
        } else {
            check = ctx.executor().schedule(this, left, TimeUnit.NANOSECONDS);
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
