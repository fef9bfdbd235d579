/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeLayoutTest {

    @TempDir
    Path work;

    @Test
    void everythingOfTheLakeIsUnderItsDirectory() {
        LakeLayout layout = new LakeLayout(work.resolve("lake"));
        layout.prepare();

        Path dir = work.resolve("lake").toAbsolutePath();
        assertThat(layout.catalogUri()).isEqualTo("jdbc:sqlite:" + dir.resolve("catalog.db"));
        assertThat(layout.warehouse()).isEqualTo(dir.resolve("warehouse")).isDirectory();
        assertThat(layout.pluginPath())
                .isEqualTo(dir.resolve("connect/plugins"))
                .isDirectory();
        assertThat(layout.offsetsFile()).isEqualTo(dir.resolve("connect/offsets"));
    }

    @Test
    void aDirectoryThatCannotBeWrittenFailsByName() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "");

        assertThatThrownBy(() -> new LakeLayout(file.resolve("lake")).prepare())
                .isInstanceOf(LakeSetupException.class)
                .hasMessageContaining(file.resolve("lake").toString())
                .hasMessageContaining("not writable");
    }

    @Test
    void aBusyRestPortFailsByNumber() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> StandaloneLakeWorker.checkPortFree(busy.getLocalPort()))
                    .isInstanceOf(LakeSetupException.class)
                    .hasMessageContaining("port " + busy.getLocalPort())
                    .hasMessageContaining("in use");
        }
    }
}
