/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code bin/tributary}'s first-run build writes plain text to the console, no ANSI colour escapes. */
class LauncherScriptTest {

    @Test
    void theFirstRunBuildIsBatchModeWithoutColour() throws Exception {
        String script = Files.readString(Path.of("../bin/tributary"));
        String build =
                script.lines().filter(l -> l.contains("mvn ")).findFirst().orElseThrow();
        assertThat(build).contains(" -B ").contains("-Dstyle.color=never");
    }
}
