/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import org.slf4j.Logger;

/**
 * At most {@code perSecond} INFO lines a second for refused CONNECTs, shared by every connection of a node: a
 * client retrying a bad token in a loop (or many of them) cannot flood the log. What is left out is counted and
 * said in one line when the next second's first refusal is logged.
 */
final class RefusalLog {

    private final Logger log;
    private final int perSecond;
    private long windowStart;
    private int inWindow;
    private int suppressed;

    RefusalLog(Logger log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
    }

    /** Logs {@code format} with {@code args} at INFO unless this second's share is used up. */
    void info(String format, Object... args) {
        int dropped;
        synchronized (this) {
            long now = System.currentTimeMillis();
            if (now - windowStart >= 1000) {
                windowStart = now;
                inWindow = 0;
            }
            if (++inWindow > perSecond) {
                suppressed++;
                return;
            }
            dropped = inWindow == 1 ? suppressed : 0;
            if (dropped > 0) {
                suppressed = 0;
            }
        }
        if (dropped > 0) {
            log.info("{} more refused CONNECTs were not logged (at most {} lines a second)", dropped, perSecond);
        }
        log.info(format, args);
    }
}
