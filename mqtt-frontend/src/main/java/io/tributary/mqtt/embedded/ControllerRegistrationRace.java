/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import java.util.Arrays;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.filter.CompositeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A harmless race of every restart of the embedded Kafka, kept off the console. The controller's registration
 * manager sends its CONTROLLER_REGISTRATION as soon as the Raft layer names this node leader, which can be a moment
 * before the QuorumController has finished activating; the request is then refused with
 * {@code NotControllerException: The active controller appears to be node 1}, Kafka's {@code ControllerApis} logs
 * the refusal at ERROR with a stack trace ("Unexpected error handling request"), and the registration manager
 * retries and succeeds. Seen on about one start in four of an already formatted directory. This filter drops
 * exactly that event (that request, refused with that exception) and logs one DEBUG line for it instead.
 */
final class ControllerRegistrationRace extends AbstractFilter {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    static final String KAFKA_LOGGER = "kafka.server.ControllerApis";

    private ControllerRegistrationRace() {
        super(Filter.Result.DENY, Filter.Result.NEUTRAL);
    }

    @Override
    public Result filter(LogEvent event) {
        if (!isRetriedRegistration(event)) {
            return Result.NEUTRAL;
        }
        LOG.debug("Controller registration sent before the controller was active; Kafka retries it");
        return Result.DENY;
    }

    static boolean isRetriedRegistration(LogEvent event) {
        if (!event.getMessage().getFormattedMessage().contains("apiKey=CONTROLLER_REGISTRATION")) {
            return false;
        }
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            if (t instanceof NotControllerException) {
                return true;
            }
        }
        return false;
    }

    /** Adds the filter to Kafka's {@code ControllerApis} logger when log4j-core is the logging backend. */
    static void install() {
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            install(context);
        }
    }

    static void install(LoggerContext context) {
        Configuration config = context.getConfiguration();
        LoggerConfig logger = config.getLoggerConfig(KAFKA_LOGGER);
        if (!logger.getName().equals(KAFKA_LOGGER)) {
            // A logger of its own that inherits its level and appenders, so the filter touches nothing else.
            logger = new LoggerConfig(KAFKA_LOGGER, null, true);
            config.addLogger(KAFKA_LOGGER, logger);
        }
        if (!installed(logger.getFilter())) { // once, however often an embedded Kafka starts in this JVM
            logger.addFilter(new ControllerRegistrationRace());
        }
        context.updateLoggers();
    }

    private static boolean installed(Filter filter) {
        if (filter instanceof CompositeFilter composite) {
            return Arrays.stream(composite.getFiltersArray()).anyMatch(ControllerRegistrationRace.class::isInstance);
        }
        return filter instanceof ControllerRegistrationRace;
    }
}
