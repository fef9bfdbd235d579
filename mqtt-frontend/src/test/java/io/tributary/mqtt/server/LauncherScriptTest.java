/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The first-run build of {@code bin/tributary} and {@code bin/tributary-admin} (bin/lib/build-if-stale.bash) writes plain text to the console, no ANSI escapes. */
class LauncherScriptTest {

    private static final Path SCRIPT = Path.of("../bin/lib/build-if-stale.bash");

    @Test
    void theFirstRunBuildIsBatchModeWithoutColourAndFiltered() throws Exception {
        String build = Files.readString(SCRIPT)
                .lines()
                .filter(l -> l.contains("mvn "))
                .findFirst()
                .orElseThrow();
        assertThat(build).contains(" -B ").contains("-Dstyle.color=never").contains("| strip_ansi");
    }

    @Test
    void stripAnsiRemovesTheEscapesMavenPrints() throws Exception {
        // Maven 3.8.7 prints ESC[0m resets even with -B -Dstyle.color=never; the script's filter removes them.
        String function = Files.readString(SCRIPT)
                .lines()
                .filter(l -> l.trim().startsWith("strip_ansi()"))
                .findFirst()
                .orElseThrow();
        Process bash = new ProcessBuilder("bash", "-c", function + "; strip_ansi")
                .redirectErrorStream(true)
                .start();
        try (OutputStream in = bash.getOutputStream()) {
            in.write("\u001b[0m\u001b[0m\u001b[1mBUILD\u001b[m done\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("BUILD done\n");
    }
}
