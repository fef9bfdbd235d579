/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import static io.tributary.iceberg.sink.SinkFixtures.MESSAGES;
import static io.tributary.iceberg.sink.SinkFixtures.P0;
import static io.tributary.iceberg.sink.SinkFixtures.TEMPERATURE;
import static io.tributary.iceberg.sink.SinkFixtures.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.sink.SinkFixtures.TestClock;
import io.tributary.shard.testing.CapturedLogs;
import java.lang.reflect.Constructor;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.iceberg.rest.RESTCatalogServer;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog goes away mid-stream and comes back: Iceberg's REST catalog server (JDBC on a SQLite file behind
 * it, so its tables outlive a restart) stopped and started again on the same port. Records keep arriving; the
 * commits fail with one WARN line each and keep their rows; once the catalog is back every record is in its
 * table exactly once.
 */
class CatalogOutageIT {
    @TempDir
    Path dir;

    private RESTCatalogServer startCatalog(int port) throws Exception {
        // The server's constructor taking its settings is package-private; the extension in RestCatalogIT cannot
        // stop and start one server.
        Constructor<RESTCatalogServer> constructor = RESTCatalogServer.class.getDeclaredConstructor(Map.class);
        constructor.setAccessible(true);
        RESTCatalogServer server = constructor.newInstance(Map.of(
                RESTCatalogServer.REST_PORT,
                Integer.toString(port),
                "uri",
                "jdbc:sqlite:" + dir.resolve("rest-catalog.db"),
                "jdbc.schema-version",
                "V1",
                "warehouse",
                dir.resolve("warehouse").toString()));
        server.start(false);
        return server;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static List<Long> evens(long from, long to) {
        return LongStream.range(from, to).filter(o -> o % 2 == 0).boxed().toList();
    }

    private static List<Long> odds(long from, long to) {
        return LongStream.range(from, to).filter(o -> o % 2 == 1).boxed().toList();
    }

    @Test
    void aRestCatalogDownMidStreamDelaysTheCommitsWithOneLineEachAndLosesOrRepeatsNothing() throws Exception {
        int port = freePort();
        RESTCatalogServer catalog = startCatalog(port);
        Map<String, String> settings = SinkFixtures.settings(dir);
        settings.put(IcebergSinkConfig.CATALOG_TYPE_CONFIG, "rest");
        settings.put(IcebergSinkConfig.CATALOG_URI_CONFIG, "http://127.0.0.1:" + port);
        settings.remove(IcebergSinkConfig.CATALOG_WAREHOUSE_CONFIG);
        try (CapturedLogs logs = CapturedLogs.capture();
                IcebergSink sink = SinkFixtures.sink(settings, dir, "task-0", new TestClock())) {
            sink.open(List.of(P0), Map.of());
            TaskLoop task = new TaskLoop(sink, SinkFixtures::alternating);
            task.deliverUntil(20);
            assertThat(task.commit()).isTrue();

            catalog.stop();
            task.deliverAllUntil(40);
            assertThat(task.commit()).as("commit with the catalog down").isFalse();
            task.deliverAllUntil(44);
            assertThat(task.commit()).as("the next interval's commit").isFalse();
            // Connect's offset stays at the first row not in its table.
            assertThat(task.connectCommitted).isEqualTo(20);

            catalog = startCatalog(port);
            task.deliverAllUntil(50);
            assertThat(task.commit()).isTrue();

            assertThat(offsets(sink.table(TEMPERATURE).orElseThrow())).isEqualTo(evens(0, 50));
            assertThat(offsets(sink.table(MESSAGES).orElseThrow())).isEqualTo(odds(0, 50));
            assertThat(task.connectCommitted).isEqualTo(50);
            assertThat(sink.metrics().commitFailures()).isEqualTo(4);
            List<CapturedLogs.Line> lines = logs.lines();
            assertThat(lines).noneMatch(CapturedLogs.Line::stackTrace);
            assertThat(lines)
                    .filteredOn(line -> line.message().startsWith("Committing to table iot.temperature failed"))
                    .hasSize(2)
                    .allSatisfy(line -> {
                        assertThat(line.level()).isEqualTo(Level.WARN);
                        assertThat(line.message()).contains("rows stay pending").contains("Connection refused");
                    });
        } finally {
            catalog.stop();
        }
    }

    private Map<String, String> restSettings(int port) {
        Map<String, String> settings = SinkFixtures.settings(dir);
        settings.put(IcebergSinkConfig.CATALOG_TYPE_CONFIG, "rest");
        settings.put(IcebergSinkConfig.CATALOG_URI_CONFIG, "http://127.0.0.1:" + port);
        settings.remove(IcebergSinkConfig.CATALOG_WAREHOUSE_CONFIG);
        return settings;
    }

    @Test
    void aCatalogNotYetUpWhenTheTaskStartsIsWaitedForWithOneLinePerAttempt() throws Exception {
        int port = freePort();
        Map<String, String> settings = restSettings(port);
        RESTCatalogServer catalog = null;
        try (CapturedLogs logs = CapturedLogs.capture()) {
            CompletableFuture<IcebergSink> opening = CompletableFuture.supplyAsync(() -> {
                try {
                    return SinkOpening.open(
                            () -> SinkFixtures.sink(settings, dir, "task-0", new TestClock()),
                            "http://127.0.0.1:" + port,
                            Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> logs.lines().stream()
                            .anyMatch(l -> l.message()
                                    .startsWith("cannot open the Iceberg catalog http://127.0.0.1:" + port)));
            assertThat(opening).isNotDone();
            catalog = startCatalog(port);
            try (IcebergSink sink = opening.get(60, TimeUnit.SECONDS)) {
                sink.open(List.of(P0), Map.of());
                TaskLoop task = new TaskLoop(sink, SinkFixtures::alternating);
                task.deliverUntil(10);
                assertThat(task.commit()).isTrue();
                assertThat(offsets(sink.table(TEMPERATURE).orElseThrow())).isEqualTo(evens(0, 10));
            }
            assertThat(logs.lines())
                    .filteredOn(l -> l.message().startsWith("cannot open the Iceberg catalog"))
                    .isNotEmpty()
                    .allSatisfy(line -> {
                        assertThat(line.level()).isEqualTo(Level.WARN);
                        assertThat(line.stackTrace()).isFalse();
                        assertThat(line.message())
                                .contains("Connection refused")
                                .contains("trying again in");
                    });
        } finally {
            if (catalog != null) {
                catalog.stop();
            }
        }
    }

    @Test
    void aCatalogDownForTheWholeOpenTimeoutFailsTheStartNamingIt() throws Exception {
        int port = freePort();
        Map<String, String> settings = restSettings(port);
        assertThatThrownBy(() -> SinkOpening.open(
                        () -> SinkFixtures.sink(settings, dir, "task-0", new TestClock()),
                        "http://127.0.0.1:" + port,
                        Duration.ofMillis(1500)))
                .isInstanceOf(SinkOpening.CatalogUnavailableException.class)
                .hasMessageContaining("cannot open the Iceberg catalog http://127.0.0.1:" + port)
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("iceberg.catalog.open-timeout-ms");
    }
}
