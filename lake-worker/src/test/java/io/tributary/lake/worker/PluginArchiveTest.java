/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginArchiveTest {

    @TempDir
    Path work;

    private Path archive(String jarContent, long modified) throws IOException {
        Path zip = work.resolve("tributary-connect-plugins-1.zip");
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream entries = new ZipOutputStream(out)) {
            entries.putNextEntry(new ZipEntry("tributary-connect-plugins-1/"));
            entries.putNextEntry(new ZipEntry("tributary-connect-plugins-1/manifest.json"));
            entries.write("{}".getBytes(StandardCharsets.UTF_8));
            entries.putNextEntry(new ZipEntry("tributary-connect-plugins-1/lib/plugin.jar"));
            entries.write(jarContent.getBytes(StandardCharsets.UTF_8));
        }
        Files.setLastModifiedTime(zip, FileTime.fromMillis(modified));
        return zip;
    }

    @Test
    void theArchiveIsUnpackedIntoOnePluginDirectoryAndAgainWhenRebuilt() throws Exception {
        Path pluginPath = work.resolve("plugins");
        PluginArchive.unpack(archive("first", 1_000_000L), pluginPath);
        Path jar = pluginPath.resolve("tributary-connect-plugins/lib/plugin.jar");
        assertThat(jar).hasContent("first");
        assertThat(pluginPath.resolve("tributary-connect-plugins/manifest.json"))
                .exists();

        Files.writeString(jar, "left alone");
        PluginArchive.unpack(archive("first", 1_000_000L), pluginPath);
        assertThat(jar).as("the same archive is not unpacked twice").hasContent("left alone");

        PluginArchive.unpack(archive("second", 2_000_000L), pluginPath);
        assertThat(jar).hasContent("second");
    }

    @Test
    void aMissingArchiveSaysHowToBuildIt() {
        Path missing = work.resolve("none.zip");

        assertThatThrownBy(() -> PluginArchive.unpack(missing, work.resolve("plugins")))
                .isInstanceOf(LakeSetupException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("mvn -B -pl connect-plugins -am package");
    }
}
