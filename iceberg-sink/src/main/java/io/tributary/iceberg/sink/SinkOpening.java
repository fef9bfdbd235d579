/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.table.MissingBucketException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the sink at task start while its catalog may still be unreachable (a catalog restarting next to a Connect
 * worker that starts first is the common case): one WARN line per attempt, backing off from 1 s to 30 s, until
 * {@code iceberg.catalog.open-timeout-ms} has passed. A missing warehouse bucket is a configuration mistake, not an
 * outage: it fails at once.
 */
public final class SinkOpening {
    private static final Logger LOG = LoggerFactory.getLogger(SinkOpening.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private SinkOpening() {}

    /**
     * @param open      opens the sink (its catalog, the bucket check); called again after each failure
     * @param catalog   how the catalog is named in messages (its URI)
     * @param timeout   how long to keep trying; zero tries once
     * @throws MissingBucketException at once, when the warehouse bucket does not exist
     * @throws CatalogUnavailableException when the timeout has passed, naming the catalog and the last failure
     */
    public static <T> T open(Supplier<T> open, String catalog, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                return open.get();
            } catch (MissingBucketException e) {
                throw e;
            } catch (RuntimeException e) {
                String failure = "cannot open the Iceberg catalog " + catalog + ": " + FailureText.oneLine(e);
                if (System.nanoTime() + backoff.toNanos() - deadline > 0) {
                    throw new CatalogUnavailableException(
                            failure + " (gave up after " + attempt + " attempts in " + text(timeout)
                                    + ", iceberg.catalog.open-timeout-ms)",
                            e);
                }
                LOG.warn("{}; trying again in {}", failure, text(backoff));
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** "30 s", "250 ms": durations as people write them. */
    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The catalog stayed unreachable for the whole open timeout. */
    public static final class CatalogUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
