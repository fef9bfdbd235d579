/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The Connect plugin archive (connect-plugins' zip) unpacked into the worker's plugin.path: Connect reads
 * directories of jars, not zips. Unpacked again when the archive is newer than the last unpack, so a rebuilt
 * plugin is picked up at the next start.
 */
final class PluginArchive {
    private static final String UNPACKED = "tributary-connect-plugins";
    private static final String STAMP = ".unpacked-from";

    private PluginArchive() {}

    /** Unpacks {@code archive} below {@code pluginPath} unless the same archive already is there. */
    static void unpack(Path archive, Path pluginPath) {
        if (!Files.isRegularFile(archive)) {
            throw new LakeSetupException("the Connect plugin archive " + archive + " does not exist: build it with"
                    + " `mvn -B -pl connect-plugins -am package -DskipTests` (bin/tributary --lake builds it on"
                    + " first use)");
        }
        Path target = pluginPath.resolve(UNPACKED);
        try {
            FileTime built = Files.getLastModifiedTime(archive);
            Path stamp = target.resolve(STAMP);
            if (Files.isRegularFile(stamp)
                    && Files.readString(stamp).equals(archive.toAbsolutePath().toString())
                    && Files.getLastModifiedTime(stamp).equals(built)) {
                return;
            }
            deleteTree(target);
            extract(archive, target);
            Files.writeString(stamp, archive.toAbsolutePath().toString());
            Files.setLastModifiedTime(stamp, built);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the plugin archive " + archive + " into " + target, e);
        }
    }

    /** The archive has one top directory (plugin-hub layout); its content goes straight into {@code target}. */
    private static void extract(Path archive, Path target) throws IOException {
        Files.createDirectories(target);
        try (InputStream in = Files.newInputStream(archive);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                int slash = name.indexOf('/');
                String inside = slash < 0 ? name : name.substring(slash + 1);
                if (inside.isEmpty()) {
                    continue;
                }
                Path out = target.resolve(inside).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("archive entry outside its directory: " + name);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
