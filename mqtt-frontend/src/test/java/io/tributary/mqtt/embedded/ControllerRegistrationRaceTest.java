/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ERROR with a stack trace that Kafka's ControllerApis logs when the embedded controller's own registration
 * races its activation (a restart, about one in four) stays off the console; every other error still shows.
 */
class ControllerRegistrationRaceTest {

    private static final String REGISTRATION = "[ControllerApis nodeId=1] Unexpected error handling request "
            + "RequestHeader(apiKey=CONTROLLER_REGISTRATION, apiVersion=0, clientId=1, correlationId=0, "
            + "headerVersion=2) -- ControllerRegistrationRequestData(controllerId=1)";

    private static final class Captured extends AbstractAppender {
        final List<String> lines = new CopyOnWriteArrayList<>();

        Captured() {
            super("captured", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
        }
    }

    private final LoggerContext context = new LoggerContext("controller-registration-race");
    private final Captured console = new Captured();

    ControllerRegistrationRaceTest() {
        context.start(new DefaultConfiguration());
        console.start();
        context.getConfiguration().getRootLogger().addAppender(console, Level.ALL, null);
        context.getConfiguration().getRootLogger().setLevel(Level.INFO);
        context.updateLoggers();
        ControllerRegistrationRace.install(context);
        ControllerRegistrationRace.install(context); // a second embedded Kafka in the same JVM
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private static CompletionException refused() {
        return new CompletionException(new NotControllerException("The active controller appears to be node 1."));
    }

    @Test
    void theRefusedRegistrationIsDropped() {
        context.getLogger(ControllerRegistrationRace.KAFKA_LOGGER).error(REGISTRATION, refused());
        assertThat(console.lines).isEmpty();
    }

    @Test
    void otherControllerErrorsStillShow() {
        var logger = context.getLogger(ControllerRegistrationRace.KAFKA_LOGGER);
        logger.error(REGISTRATION, new IllegalStateException("something else"));
        logger.error(
                "[ControllerApis nodeId=1] Unexpected error handling request RequestHeader(apiKey=CREATE_TOPICS)",
                refused());
        logger.info("an info line");
        assertThat(console.lines).hasSize(3);
    }
}
