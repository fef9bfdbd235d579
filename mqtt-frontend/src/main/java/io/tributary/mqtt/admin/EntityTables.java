/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/** The columns of each kind of cluster metadata entity, as {@code bin/tributary admin ... list} prints them. */
final class EntityTables {

    private EntityTables() {}

    /** A table of {@code entities}, all of {@code kind}; {@code liveNodes} tells the LIVE column of nodes. */
    static Table of(Kind kind, Collection<? extends Entity> entities, Set<String> liveNodes) {
        Table t = headers(kind);
        for (Entity e : entities) {
            if (e instanceof Entity.Node n) {
                t.row(
                        n.name(),
                        liveNodes.contains(n.name()) ? "yes" : "no",
                        String.join(",", n.listeners()),
                        Instant.ofEpochMilli(n.startedAtMs()).truncatedTo(ChronoUnit.SECONDS),
                        n.release(),
                        n.version());
            } else if (e instanceof Entity.Mapping m) {
                t.row(m.name(), m.filter(), m.kafkaTopic(), m.key(), m.mqttTopic(), m.version());
            } else if (e instanceof Entity.User u) {
                t.row(u.name(), u.mechanism(), u.iterations(), u.version());
            } else if (e instanceof Entity.Acl a) {
                t.row(a.name(), a.principal(), lower(a.action()), a.filter(), lower(a.permission()), a.version());
            } else if (e instanceof Entity.Schema b) {
                t.row(b.name(), b.filter(), b.subject(), b.format(), b.mode(), b.delivery(), b.message(), b.version());
            } else if (e instanceof Entity.Config c) {
                t.row(c.name(), c.value(), scope(c.name()), c.version());
            }
        }
        return t;
    }

    private static Table headers(Kind kind) {
        return switch (kind) {
            case NODE -> new Table("NAME", "LIVE", "LISTENERS", "STARTED", "RELEASE", "VERSION");
            case MAPPING -> new Table("NAME", "FILTER", "KAFKA-TOPIC", "KEY", "MQTT-TOPIC", "VERSION");
            case USER -> new Table("NAME", "MECHANISM", "ITERATIONS", "VERSION");
            case ACL -> new Table("NAME", "PRINCIPAL", "ACTION", "FILTER", "PERMISSION", "VERSION");
            case CONFIG -> new Table("NAME", "VALUE", "SCOPE", "VERSION");
            case SCHEMA -> new Table("NAME", "FILTER", "SUBJECT", "FORMAT", "MODE", "DELIVERY", "MESSAGE", "VERSION");
        };
    }

    /** Whether a setting of the metadata is one every node must share, or a dynamic limit over the nodes' own. */
    static String scope(String setting) {
        if (BrokerConfig.CLUSTER_WIDE_KEYS.contains(setting)) {
            return "cluster-wide";
        }
        return BrokerConfig.DYNAMIC_KEYS.contains(setting) ? "dynamic" : "ignored";
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }
}
