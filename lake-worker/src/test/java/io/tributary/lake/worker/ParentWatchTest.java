/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When the node dies, the kernel closes the node's end of the worker's stdin: the worker must end, running its
 * shutdown hooks (Connect's stop). A real child JVM whose stdin this test closes, as a dying node would.
 */
class ParentWatchTest {

    private static String classPath() throws Exception {
        Path main = Path.of(ParentWatch.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path test = Path.of(ParentWatchProbe.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        return main + java.io.File.pathSeparator + test;
    }

    @Test
    void theWorkerEndsWithItsShutdownHooksWhenTheParentsPipeCloses() throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-cp",
                        classPath(),
                        ParentWatchProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("watching");
            assertThat(child.isAlive()).isTrue();

            child.getOutputStream().close(); // what the kernel does when the node dies

            await("the child ends").atMost(Duration.ofSeconds(20)).until(() -> !child.isAlive());
            assertThat(child.exitValue()).isZero();
            assertThat(out.readLine()).isEqualTo("shutdown hook ran");
        } finally {
            child.destroyForcibly();
        }
    }
}
