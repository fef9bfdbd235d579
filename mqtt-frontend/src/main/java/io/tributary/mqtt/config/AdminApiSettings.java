/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Who may use the admin HTTP API ({@code admin.http.port}) and whether it serves TLS (docs/security.md, "Admin API
 * credentials"). Every request needs credentials: a bearer token of {@code admin.http.token.file} (or the one the
 * node generates when nothing else is configured), or a user of {@code admin.users} (HTTP Basic with the user's
 * password, or a bearer JWT naming that principal).
 */
public final class AdminApiSettings {

    private AdminApiSettings() {}

    static final String GROUP = "Admin API credentials";

    /** The file a node writes a generated token to, in {@code data.dir}, when no credentials are configured. */
    public static final String GENERATED_TOKEN_FILE = "admin.token";

    public static final String TOKEN_FILE_CONFIG = "admin.http.token.file";
    public static final String TOKEN_FILE_DOC = "File of bearer tokens the admin HTTP API accepts "
            + "(Authorization: Bearer TOKEN), one per line; blank lines and lines starting with # are ignored. Read at "
            + "start. Empty, and admin.users empty too: the node generates a random token into data.dir/"
            + GENERATED_TOKEN_FILE + " (kept across restarts, readable by its owner only), which bin/tributary admin "
            + "run in the same directory reads by itself.";

    public static final String USERS_CONFIG = "admin.users";
    public static final String USERS_DOC =
            "Users (of auth.users.file or the cluster metadata) that hold the admin role: "
                    + "they authenticate to the admin HTTP API with HTTP Basic and their password, or with a bearer JWT "
                    + "(auth.jwt.*) whose principal is one of them. Another user that authenticates gets 403.";
    public static final List<String> USERS_DEFAULT = List.of();

    public static final String TLS_ENABLED_CONFIG = "admin.http.tls.enabled";
    public static final String TLS_ENABLED_DOC = "Serve the admin HTTP API over HTTPS, with the node's key and "
            + "certificate of tls.cert.file and tls.key.file, or tls.keystore.file (the node registers an https:// "
            + "address; the CLI verifies it with --admin-ca-file or the JDK's trusted CAs).";
    public static final boolean TLS_ENABLED_DEFAULT = false;

    /** Defines this group's keys, in the order of the generated reference. */
    static void define(ConfigDef def) {
        BrokerConfigDef.Grouped g = new BrokerConfigDef.Grouped(def, GROUP);
        g.define(TOKEN_FILE_CONFIG, Type.STRING, "", null, Importance.HIGH, TOKEN_FILE_DOC);
        g.define(USERS_CONFIG, Type.LIST, USERS_DEFAULT, null, Importance.HIGH, USERS_DOC);
        g.define(TLS_ENABLED_CONFIG, Type.BOOLEAN, TLS_ENABLED_DEFAULT, null, Importance.MEDIUM, TLS_ENABLED_DOC);
    }

    /** An HTTPS admin API needs the node's key material. */
    static void validate(BrokerConfig config) {
        if (!config.getBoolean(TLS_ENABLED_CONFIG)) {
            return;
        }
        boolean pem = !config.getString(ListenerSettings.TLS_CERT_FILE_CONFIG).isBlank()
                && !config.getString(ListenerSettings.TLS_KEY_FILE_CONFIG).isBlank();
        boolean keystore =
                !config.getString(ListenerSettings.TLS_KEYSTORE_FILE_CONFIG).isBlank();
        if (!pem && !keystore) {
            throw new ConfigException(TLS_ENABLED_CONFIG + "=true needs the node's key and certificate: "
                    + ListenerSettings.TLS_CERT_FILE_CONFIG + " and " + ListenerSettings.TLS_KEY_FILE_CONFIG + ", or "
                    + ListenerSettings.TLS_KEYSTORE_FILE_CONFIG);
        }
    }
}
