/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The schemas a registered schema references, read from the registry: directly and through the schemas it
 * references, each once, those referenced before those that reference them (Avro's parser must know a named
 * type before a schema uses it; a Protobuf file is compiled after its imports). Blocking: call it off the event
 * loop.
 */
final class SchemaReferences {

    /** Deeper than this is taken for a cycle the registry let through, or a mistake. */
    private static final int MAX_DEPTH = 16;

    private SchemaReferences() {}

    /** The references of {@code schema}, by reference name, in an order they can be compiled in. */
    static Map<String, RegisteredSchema> resolve(RegisteredSchema schema, SchemaSource source)
            throws SchemaSource.SchemaLookupException {
        Map<String, RegisteredSchema> out = new LinkedHashMap<>();
        if (!schema.references().isEmpty()) {
            collect(schema, source, out, new LinkedHashSet<>(), 0);
        }
        return out;
    }

    private static void collect(
            RegisteredSchema schema,
            SchemaSource source,
            Map<String, RegisteredSchema> out,
            Set<String> inProgress,
            int depth)
            throws SchemaSource.SchemaLookupException {
        if (depth > MAX_DEPTH) {
            throw new SchemaSource.SchemaLookupException(
                    "schema references nest deeper than " + MAX_DEPTH + ": " + inProgress, false, null);
        }
        for (SchemaReference ref : schema.references()) {
            if (out.containsKey(ref.name()) || !inProgress.add(ref.name())) {
                continue; // already there, or a cycle: each schema once
            }
            RegisteredSchema referenced = source.version(ref.subject(), ref.version());
            collect(referenced, source, out, inProgress, depth + 1);
            out.put(ref.name(), referenced);
            inProgress.remove(ref.name());
        }
    }
}
