/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import java.util.HashSet;
import java.util.Set;

/**
 * One log line for a failure the task rides out (catalog or store unreachable): the exception and its causes,
 * without a stack trace, so that an outage logs one readable line per attempt, not a page.
 */
public final class FailureText {
    private FailureText() {}

    /** "RESTException: Error occurred while processing GET request (caused by ConnectException: Connection refused)". */
    public static String oneLine(Throwable failure) {
        StringBuilder text = new StringBuilder(describe(failure));
        Set<Throwable> seen = new HashSet<>();
        seen.add(failure);
        for (Throwable cause = failure.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            String line = describe(cause);
            if (text.indexOf(line) < 0) {
                text.append(" (caused by ").append(line).append(')');
            }
        }
        return text.toString();
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String name = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }
}
