/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The release of this build: the Maven project version, written into {@code tributary-version.properties} by
 * resource filtering. A resource rather than the jar manifest because {@code bin/tributary} runs from
 * {@code target/classes}, where there is no manifest.
 */
public final class TributaryVersion {

    private static final String RESOURCE = "tributary-version.properties";
    private static final String UNKNOWN = "unknown";
    private static final String VERSION = load();

    private TributaryVersion() {}

    /** For example {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
    }

    /** "unknown" rather than a failure when the classes were not built by Maven (an IDE without filtering). */
    private static String load() {
        Properties props = new Properties();
        try (InputStream in = TributaryVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return UNKNOWN;
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = props.getProperty("version", "").trim();
        return version.isEmpty() || version.startsWith("${") ? UNKNOWN : version;
    }
}
