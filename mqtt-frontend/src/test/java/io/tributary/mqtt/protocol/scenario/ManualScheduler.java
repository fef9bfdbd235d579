/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node's timer (will delay, session expiry) on the scenario's clock: tasks run when {@link #runDue} finds
 * them due, on the test thread. Nothing runs by itself; periodic tasks are not supported (the protocol core
 * schedules none).
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final MutableClock clock;
    private final List<Task<?>> tasks = new ArrayList<>();
    private boolean shutdown;

    ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long dueAtMillis;

        Task(Callable<V> callable, long dueAtMillis) {
            super(callable);
            this.dueAtMillis = dueAtMillis;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueAtMillis - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
        }
    }

    /** Runs every task due by the clock, in due order, including tasks they schedule for now. */
    boolean runDue() {
        boolean ran = false;
        while (true) {
            Task<?> next = tasks.stream()
                    .filter(t -> !t.isCancelled() && t.dueAtMillis <= clock.millis())
                    .min(Comparator.comparingLong(t -> t.dueAtMillis))
                    .orElse(null);
            tasks.removeIf(Task::isCancelled);
            if (next == null) {
                return ran;
            }
            tasks.remove(next);
            next.run();
            ran = true;
        }
    }

    /** Tasks waiting (not cancelled). */
    int pending() {
        tasks.removeIf(Task::isCancelled);
        return tasks.size();
    }

    private <V> Task<V> add(Callable<V> callable, long delay, TimeUnit unit) {
        Task<V> t = new Task<>(callable, clock.millis() + unit.toMillis(Math.max(0, delay)));
        tasks.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(
                () -> {
                    command.run();
                    return null;
                },
                delay,
                unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("no periodic tasks in the protocol core");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("no periodic tasks in the protocol core");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        tasks.clear();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
