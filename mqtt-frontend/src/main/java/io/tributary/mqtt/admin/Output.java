/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where an admin command's answer goes: a {@link Table} for people, or with {@code --json} the JSON the admin HTTP
 * API returns for the same request (an array for a list, an object for one entity), so a script can switch between
 * the two without changing its parsing. Notes and errors go to stderr, one line each, never mixed into the answer.
 */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** A list of entities of one kind; {@code liveNodes} tells whether each node is live. */
    void entities(Kind kind, Collection<? extends Entity> entities, Set<String> liveNodes) {
        if (json) {
            List<Object> views = new ArrayList<>();
            entities.forEach(e -> views.add(EntityViews.view(e, liveNodes)));
            json(views);
        } else {
            table(EntityTables.of(kind, entities, liveNodes));
        }
    }

    /** One entity as stored by a write. */
    void entity(Entity e) {
        if (json) {
            json(EntityViews.view(e));
        } else {
            table(EntityTables.of(e.kind(), List.of(e), Set.of()));
        }
    }

    void table(Table table) {
        table.print(out);
    }

    void json(Object value) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A line for people on stdout, e.g. what a delete did; with {@code --json}, {@code value} instead. */
    void result(String line, Object value) {
        if (json) {
            json(value);
        } else {
            out.println(line);
            out.flush();
        }
    }

    /** A note or an error on stderr, prefixed with the command's name. */
    void note(String line) {
        err.println("tributary admin: " + line);
        err.flush();
    }
}
