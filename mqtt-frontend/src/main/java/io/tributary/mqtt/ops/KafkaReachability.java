/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import io.tributary.placement.DurationText;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the node reaches Kafka now, asked every few seconds with one cluster description; the {@code kafka}
 * check of {@code /health/ready}. It is also what an operator reads in the log during an outage: one WARN when
 * Kafka becomes unreachable, a reminder every {@link #REMINDER} while it stays so, and one INFO line when it is
 * back, instead of the Kafka clients' reconnect WARNs (which the shipped log4j2.xml keeps below WARN).
 */
public final class KafkaReachability implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReachability.class);

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(4);
    static final Duration REMINDER = Duration.ofSeconds(30);
    /** Failed checks in a row that make Kafka unreachable: one slow answer on a busy machine is not an outage. */
    static final int FAILURES_TO_DECLARE = 2;

    private final String bootstrap;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final LongSupplier nanoTime;
    private final long reminderNanos;
    private @Nullable ScheduledExecutorService checks;

    /** Guarded by this: the state the log lines and the probe describe. */
    private boolean reachable = true;

    private int failuresInARow;
    private long firstFailureNanos;
    private long downSinceNanos;
    private long nextReminderNanos;
    private String cause = "";

    /** Logs to this class's logger. */
    public KafkaReachability(String bootstrap) {
        this(bootstrap, LOG::warn, LOG::info, System::nanoTime, REMINDER);
    }

    KafkaReachability(
            String bootstrap, Consumer<String> warn, Consumer<String> info, LongSupplier nanoTime, Duration reminder) {
        this.bootstrap = bootstrap;
        this.warn = warn;
        this.info = info;
        this.nanoTime = nanoTime;
        this.reminderNanos = reminder.toNanos();
    }

    /** Asks {@code admin} for the cluster every {@link #INTERVAL}, on a thread of its own. */
    public synchronized void start(Admin admin) {
        checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-kafka-reachability");
            t.setDaemon(true);
            return t;
        });
        checks.scheduleWithFixedDelay(() -> observe(ask(admin)), 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Null when Kafka answered; otherwise why not. */
    private static @Nullable String ask(Admin admin) {
        int timeoutMs = (int) ANSWER_TIMEOUT.toMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes()
                    .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null; // stopping
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        } catch (TimeoutException e) {
            return "no answer within " + DurationText.of(ANSWER_TIMEOUT);
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /** Takes one check's outcome: null when Kafka answered, otherwise why not. Logs on each change. */
    synchronized void observe(@Nullable String failure) {
        long now = nanoTime.getAsLong();
        if (failure == null) {
            failuresInARow = 0;
            if (!reachable) {
                reachable = true;
                info.accept("Kafka at " + bootstrap + " is reachable again after " + downFor(now)
                        + "; publishes are acknowledged again");
            }
            return;
        }
        cause = failure;
        if (++failuresInARow == 1) {
            firstFailureNanos = now;
        }
        if (reachable && failuresInARow >= FAILURES_TO_DECLARE) {
            reachable = false;
            downSinceNanos = firstFailureNanos;
            nextReminderNanos = now + reminderNanos;
            warn.accept("Kafka at " + bootstrap + " is unreachable (" + failure + "): QoS 1/2 publishes wait "
                    + "unacknowledged and /health/ready reports not ready until it is back");
        } else if (!reachable && now - nextReminderNanos >= 0) {
            nextReminderNanos = now + reminderNanos;
            warn.accept("Kafka at " + bootstrap + " still unreachable after " + downFor(now) + " (" + failure + ")");
        }
    }

    private String downFor(long now) {
        return DurationText.of(Duration.ofSeconds(Math.max(1, Math.round((now - downSinceNanos) / 1e9))));
    }

    /** Null while Kafka is reachable; otherwise how long it has not been, and why (the probe's reason). */
    public synchronized @Nullable String failure() {
        return reachable ? null : "unreachable for " + downFor(nanoTime.getAsLong()) + ": " + cause;
    }

    @Override
    public synchronized void close() {
        if (checks != null) {
            checks.shutdownNow();
        }
    }
}
