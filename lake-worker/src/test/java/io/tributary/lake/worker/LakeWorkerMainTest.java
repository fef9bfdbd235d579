/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the node reads from the worker when it cannot start: one line with the reason, before Connect is touched. */
class LakeWorkerMainTest {

    @TempDir
    Path work;

    @Test
    void aPluginArchiveThatIsNotBuiltIsOneFailedLineNamingIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path missing = work.resolve("tributary-connect-plugins.zip");

        int code = LakeWorkerMain.run(
                new String[] {
                    "--dir", work.resolve("lake").toString(),
                    "--bootstrap-servers", "127.0.0.1:9",
                    "--topics", "mqtt.messages",
                    "--plugin-archive", missing.toString(),
                    "--rest-port", "0"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith(LakeWorkerMain.FAILED + "the Connect plugin archive " + missing + " does not exist")
                .hasLineCount(1);
    }
}
