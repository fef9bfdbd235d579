/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The WARN and ERROR lines logged under {@code io.tributary} while open: what an operator would read (log4j 2). */
public final class CapturedLogs extends AbstractAppender implements AutoCloseable {
    /** One log line: its level, message, and whether a stack trace came with it. */
    public record Line(Level level, String logger, String message, boolean stackTrace) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;

    private CapturedLogs(Logger logger) {
        super("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY);
        this.logger = logger;
    }

    public static CapturedLogs capture() {
        CapturedLogs capture = new CapturedLogs((Logger) LogManager.getLogger("io.tributary"));
        capture.start();
        capture.logger.addAppender(capture);
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
            lines.add(new Line(
                    event.getLevel(),
                    event.getLoggerName(),
                    event.getMessage().getFormattedMessage(),
                    event.getThrown() != null));
        }
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
    }
}
