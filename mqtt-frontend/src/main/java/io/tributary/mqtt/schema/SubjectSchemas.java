/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compiled schemas the bindings use, read from the registry on a thread of their own so that an event loop
 * never waits for the network: the latest version of every bound subject (read when a binding appears, then
 * every refresh period, so a new version is picked up), and schemas by id for records to decode. When the
 * registry cannot be reached, what was read stays in use; a subject never read is retried every
 * {@code retryMillis}, and until then its topics' PUBLISHes are refused with the reason.
 */
final class SubjectSchemas implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SubjectSchemas.class);

    /** A subject's schema as last read, or why there is none. */
    record Loaded(@Nullable PayloadSchema schema, @Nullable String problem) {}

    private final SchemaSource source;
    private final Map<String, Loaded> bySubject = new ConcurrentHashMap<>();
    private final Map<Integer, PayloadSchema> byId = new ConcurrentHashMap<>();
    /** Ids the registry did not know (or could not be asked about), not asked again until the next refresh. */
    private final Set<Integer> failedIds = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tributary-schema-registry");
        t.setDaemon(true);
        return t;
    });
    private volatile Set<String> wanted = Set.of();

    SubjectSchemas(SchemaSource source, long refreshMillis, long retryMillis) {
        this.source = source;
        loader.scheduleWithFixedDelay(this::refreshAll, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
        loader.scheduleWithFixedDelay(this::retryMissing, retryMillis, retryMillis, TimeUnit.MILLISECONDS);
    }

    /** The subjects the bindings name now: new ones are read at once (in the background), others dropped. */
    void want(Set<String> subjects) {
        wanted = Set.copyOf(subjects);
        bySubject.keySet().retainAll(subjects);
        for (String subject : subjects) {
            if (!bySubject.containsKey(subject)) {
                loader.execute(() -> load(subject));
            }
        }
    }

    /** The subject's schema as last read; null while it has not been read yet. */
    @Nullable
    Loaded get(String subject) {
        return bySubject.get(subject);
    }

    /**
     * The schema with this id, read from the registry if this node has not seen it (blocking: called by the
     * shard readers, never on an event loop); null when it cannot be had.
     */
    @Nullable
    PayloadSchema byId(int id) {
        PayloadSchema known = byId.get(id);
        if (known != null || failedIds.contains(id)) {
            return known;
        }
        try {
            RegisteredSchema registered = source.byId(id);
            PayloadSchema compiled = PayloadSchema.compile(registered, SchemaReferences.resolve(registered, source));
            byId.put(id, compiled);
            return compiled;
        } catch (SchemaSource.SchemaLookupException | IllegalArgumentException e) {
            failedIds.add(id);
            LOG.warn(
                    "Records with schema id {} go to MQTT subscribers as they are (not decoded): {}",
                    id,
                    e.getMessage());
            return null;
        }
    }

    /** Reads the latest version of a subject now; blocking. Returns what is in force afterwards. */
    Loaded load(String subject) {
        Loaded before = bySubject.get(subject);
        Loaded after;
        try {
            RegisteredSchema latest = source.latest(subject);
            if (before != null
                    && before.schema() != null
                    && before.schema().registered().id() == latest.id()) {
                return before;
            }
            PayloadSchema compiled = PayloadSchema.compile(latest, SchemaReferences.resolve(latest, source));
            byId.putIfAbsent(latest.id(), compiled);
            after = new Loaded(compiled, null);
            LOG.info(
                    "Schema bindings of subject {} use version {} (schema id {}, {})",
                    subject,
                    latest.version(),
                    latest.id(),
                    latest.format().text());
        } catch (SchemaSource.SchemaLookupException | IllegalArgumentException e) {
            if (before != null && before.schema() != null) {
                LOG.warn("Subject {} not refreshed, its cached schema stays in use: {}", subject, e.getMessage());
                return before;
            }
            String problem = "schema of subject '" + subject + "' unavailable: " + e.getMessage();
            after = new Loaded(null, problem);
            if (before == null || !problem.equals(before.problem())) {
                LOG.error(
                        "PUBLISHes to topics bound to subject {} are refused (0x80) until it can be read: {}",
                        subject,
                        e.getMessage());
            }
        }
        if (wanted.contains(subject)) {
            bySubject.put(subject, after);
        }
        return after;
    }

    private void refreshAll() {
        failedIds.clear();
        for (String subject : wanted) {
            load(subject);
        }
    }

    private void retryMissing() {
        for (String subject : wanted) {
            Loaded l = bySubject.get(subject);
            if (l == null || l.schema() == null) {
                load(subject);
            }
        }
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
