/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.LoggerFactory;

/**
 * Class loaders as a bare worker would have them: a parent with only what a Connect worker provides
 * (Connect API, Kafka clients, SLF4J) and a child with the archive's lib/ alone. Connect's own plugin
 * loader falls back to the test class path, which would hide a jar missing from the archive; this
 * one cannot.
 */
final class PluginLibraryLoader {
    private PluginLibraryLoader() {}

    static URLClassLoader forArchiveLib(Path lib) throws IOException, URISyntaxException {
        URLClassLoader worker = new URLClassLoader(
                new URL[] {jarOf(SinkConnector.class), jarOf(ConfigDef.class), jarOf(LoggerFactory.class)},
                ClassLoader.getPlatformClassLoader());
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                jars.add(jar.toUri().toURL());
            }
        }
        return new URLClassLoader(jars.toArray(URL[]::new), worker);
    }

    private static URL jarOf(Class<?> type) throws URISyntaxException, IOException {
        return type.getProtectionDomain().getCodeSource().getLocation().toURI().toURL();
    }

    /** The unzipped archive's lib directory below a plugin.path directory. */
    static Path libUnder(Path pluginPath) throws IOException {
        try (Stream<Path> dirs = Files.list(pluginPath)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("tributary-connect-plugins"))
                    .findFirst()
                    .orElseThrow()
                    .resolve("lib");
        }
    }
}
