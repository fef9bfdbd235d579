/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * The lines the node logs while it is open, as {@code LEVEL logger-simple-name: message}, so a test can assert
 * what an operator would read. Close it to stop listening.
 */
public final class LogLines implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;

    private LogLines(String loggerPrefix) {
        appender =
                new AbstractAppender("log-lines-" + NAMES.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        String logger = String.valueOf(event.getLoggerName());
                        if (logger.startsWith(loggerPrefix)) {
                            lines.add(event.getLevel() + " " + logger.substring(logger.lastIndexOf('.') + 1) + ": "
                                    + event.getMessage().getFormattedMessage());
                        }
                    }
                };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        context.updateLoggers();
    }

    /** Listens to the loggers whose names start with {@code loggerPrefix}, e.g. {@code io.tributary}. */
    public static LogLines of(String loggerPrefix) {
        return new LogLines(loggerPrefix);
    }

    /** The lines so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines so far that contain {@code text}. */
    public List<String> containing(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
