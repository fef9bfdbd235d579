/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.mqtt.auth.Scram;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.MappingRule;
import io.tributary.mqtt.schema.SchemaBinding;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementAdmin;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementKey;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * What the admin CLI and the admin HTTP API do to the cluster metadata, in one place: list, put (validated,
 * versioned, applied before it returns) and delete entities, and turn a password into a stored credential.
 */
public final class AdminService {

    /** Iterations of PBKDF2 for new credentials: RFC 7677's minimum is 4096; more costs only at set-up. */
    public static final int SCRAM_ITERATIONS = 8192;

    private final PlacementAdmin admin;
    private final java.util.function.Supplier<Set<String>> liveNodes;

    /**
     * @param liveNodes the ids of the nodes in the cluster's membership group now (blocking, asks Kafka)
     */
    public AdminService(PlacementAdmin admin, java.util.function.Supplier<Set<String>> liveNodes) {
        this.admin = admin;
        this.liveNodes = liveNodes;
    }

    /** Node ids that are members of the cluster now; a node record without a member is a node that died. */
    public Set<String> liveNodes() {
        return liveNodes.get();
    }

    public PlacementImage image() {
        return admin.image();
    }

    public Map<String, Entity> list(Kind kind) {
        return admin.image().all(kind);
    }

    public @Nullable Entity get(Kind kind, String name) {
        return admin.image().get(new PlacementKey(kind, name));
    }

    /** Validates and writes an entity; returns it with the version it was stored as. */
    public Entity put(Entity entity) {
        if (entity instanceof Entity.Config c && BrokerConfig.CLUSTER_WIDE_KEYS.contains(c.name())) {
            // Stored as the nodes compare them: "REQUIRED" in a file and "required" in the cluster agree.
            return admin.put(new Entity.Config(c.name(), 0, c.value().trim().toLowerCase(Locale.ROOT)));
        }
        return admin.put(entity);
    }

    /**
     * Deletes an entity; null when there was none. A cluster-wide setting cannot be deleted: without it, each node
     * would fall back to its own value, and the nodes could disagree again.
     */
    public @Nullable Entity delete(Kind kind, String name) {
        if (kind == Kind.CONFIG && BrokerConfig.CLUSTER_WIDE_KEYS.contains(name)) {
            throw new IllegalArgumentException(name + " is a cluster-wide security setting: every node must use the "
                    + "same value, so it can be changed (config put " + name + " VALUE) but not deleted");
        }
        return admin.delete(new PlacementKey(kind, name));
    }

    /** Stores a user with a SCRAM-SHA-256 credential derived from {@code password}; the password is not kept. */
    public Entity putUser(String name, String password) {
        return put(scramUser(name, password, SCRAM_ITERATIONS));
    }

    /** A user entity holding a new salted SCRAM-SHA-256 credential for {@code password} (see {@link Scram}). */
    public static Entity.User scramUser(String name, String password, int iterations) {
        ScramCredential c = ScramCredential.fromPassword(password, iterations);
        Base64.Encoder b64 = Base64.getEncoder();
        return new Entity.User(
                name,
                0,
                Scram.MECHANISM,
                iterations,
                b64.encodeToString(c.salt()),
                b64.encodeToString(c.storedKey()),
                b64.encodeToString(c.serverKey()));
    }

    /** The checks every metadata write passes, whoever writes it (CLI, HTTP, a node registering itself). */
    public static final class Validation implements PlacementAdmin.Validator {

        private final Set<String> internalTopics;

        public Validation(Set<String> internalTopics) {
            this.internalTopics = internalTopics;
        }

        @Override
        public void validate(Entity entity) {
            try {
                check(entity);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        private void check(Entity entity) {
            if (entity instanceof Entity.Mapping m) {
                var rule = MappingRule.of(m);
                if (internalTopics.contains(rule.kafkaTopic())) {
                    throw new IllegalArgumentException(
                            "mapping '" + m.name() + "' targets the internal topic " + rule.kafkaTopic());
                }
            } else if (entity instanceof Entity.Acl a) {
                require(
                        a.principal() != null && !a.principal().isBlank(),
                        "an ACL needs a principal (a user name, or *)");
                require(a.action() != null, "an ACL needs an action: publish, subscribe or all");
                require(a.permission() != null, "an ACL needs a permission: allow or deny");
                require(a.filter() != null, "an ACL needs a topic filter");
                require(
                        !TopicFilter.parse(a.filter()).isShared(),
                        "an ACL filter is a plain topic filter, not $share/...");
            } else if (entity instanceof Entity.User u) {
                require(Scram.MECHANISM.equals(u.mechanism()), "users hold SCRAM-SHA-256 credentials");
                require(u.iterations() >= Scram.MIN_ITERATIONS, "SCRAM iterations must be at least 4096 (RFC 7677)");
                Base64.Decoder d = Base64.getDecoder();
                require(
                        d.decode(u.storedKey()).length == 32
                                && d.decode(u.serverKey()).length == 32
                                && d.decode(u.salt()).length > 0,
                        "salt, storedKey and serverKey must be Base64 (keys of 32 bytes)");
            } else if (entity instanceof Entity.Config c) {
                ConfigDef.ConfigKey key = BrokerConfig.CONFIG_DEF.configKeys().get(c.name());
                require(key != null, "unknown setting " + c.name() + " (see docs/configuration.md)");
                require(
                        BrokerConfig.DYNAMIC_KEYS.contains(c.name())
                                || BrokerConfig.CLUSTER_WIDE_KEYS.contains(c.name()),
                        c.name() + " is not a dynamic setting; dynamic ones: "
                                + new java.util.TreeSet<>(BrokerConfig.DYNAMIC_KEYS) + ", cluster-wide ones: "
                                + new java.util.TreeSet<>(BrokerConfig.CLUSTER_WIDE_KEYS));
                Object parsed = ConfigDef.parseType(c.name(), c.value(), key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(c.name(), parsed);
                }
            } else if (entity instanceof Entity.Schema s) {
                SchemaBinding.of(s);
            } else if (entity instanceof Entity.Node n) {
                require(!n.listeners().isEmpty(), "a node has at least one listener");
            }
        }

        private static void require(boolean ok, String why) {
            if (!ok) {
                throw new IllegalArgumentException(why);
            }
        }
    }
}
