/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.placement.Entity;
import java.util.Set;

/**
 * An entity as the admin HTTP API and {@code bin/tributary admin --json} show it: users without their keys, nodes
 * with whether they are live. Apart from {@link AdminHttpServer} so that the CLI loads no server classes.
 */
final class EntityViews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EntityViews() {}

    static ObjectNode view(Entity e) {
        return view(e, Set.of());
    }

    static ObjectNode view(Entity e, Set<String> liveNodes) {
        ObjectNode node = JSON.valueToTree(e);
        if (e instanceof Entity.User) {
            node.remove("salt");
            node.remove("storedKey");
            node.remove("serverKey");
        }
        if (e instanceof Entity.Node n) {
            node.put("live", liveNodes.contains(n.name()));
        }
        return node;
    }
}
