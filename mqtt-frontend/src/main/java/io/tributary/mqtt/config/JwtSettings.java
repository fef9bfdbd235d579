/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of JWT identities (docs/security.md, "JWT"): where the verification keys come from, which issuer and
 * audience a token must name, which claims give the principal and the token's own ACL. JWT login is on when a JWKS
 * file or URL is set. Per node, like {@code auth.users.file}.
 */
public final class JwtSettings {

    private JwtSettings() {}

    static final String GROUP = "JWT authentication";

    /** The MQTT 5 Authentication Method name of a JWT sent through enhanced authentication. */
    public static final String METHOD = "JWT";

    public static final String JWKS_FILE_CONFIG = "auth.jwt.jwks.file";
    public static final String JWKS_FILE_DOC = "JSON Web Key Set file (RFC 7517) holding the public keys tokens are "
            + "verified with; read at start. Set this or auth.jwt.jwks.url to turn JWT login on.";

    public static final String JWKS_URL_CONFIG = "auth.jwt.jwks.url";
    public static final String JWKS_URL_DOC = "URL of the issuer's JSON Web Key Set (e.g. "
            + "https://idp.example.com/.well-known/jwks.json), fetched when first needed, cached for "
            + "auth.jwt.jwks.cache.seconds, refreshed ahead of expiry and again (rate-limited) when a token names an "
            + "unknown key id.";

    public static final String JWKS_CACHE_SECONDS_CONFIG = "auth.jwt.jwks.cache.seconds";
    public static final String JWKS_CACHE_SECONDS_DOC =
            "How long a JWKS fetched from auth.jwt.jwks.url is used before it is fetched again; at least 60 (it is "
                    + "refreshed in the last 30 seconds, and a refetch for an unknown key id waits 30 seconds after the "
                    + "previous fetch).";
    public static final int JWKS_CACHE_SECONDS_DEFAULT = 300;

    public static final String ISSUER_CONFIG = "auth.jwt.issuer";
    public static final String ISSUER_DOC = "The iss claim every token must carry, exactly; required with JWT login.";

    public static final String AUDIENCE_CONFIG = "auth.jwt.audience";
    public static final String AUDIENCE_DOC = "Accepted audiences: a token's aud claim must name one of them. Empty: "
            + "the audience is not checked (not recommended when the issuer serves other applications).";
    public static final List<String> AUDIENCE_DEFAULT = List.of();

    public static final String ALGORITHMS_CONFIG = "auth.jwt.algorithms";
    public static final String ALGORITHMS_DOC = "JWS algorithms accepted, of RS256, RS384, RS512, PS256, PS384, "
            + "PS512, ES256, ES384, ES512. Unsigned tokens (alg none) and shared-secret algorithms (HS*) are never "
            + "accepted.";
    public static final List<String> ALGORITHMS_DEFAULT = List.of("RS256", "ES256");

    public static final String PRINCIPAL_CLAIM_CONFIG = "auth.jwt.principal.claim";
    public static final String PRINCIPAL_CLAIM_DOC =
            "The claim whose string value is the client's principal (the user the ACL rules and sessions see).";
    public static final String PRINCIPAL_CLAIM_DEFAULT = "sub";

    public static final String ACL_CLAIM_CONFIG = "auth.jwt.acl.claim";
    public static final String ACL_CLAIM_DOC = "A claim holding the token's own topic filters, "
            + "{\"publish\":[\"f1\",...],\"subscribe\":[...]}: a PUBLISH or SUBSCRIBE must fit them as well as the "
            + "broker's ACL rules (they narrow, never widen). A token without the claim is refused. Empty: tokens "
            + "carry no ACL, the broker's rules alone apply.";
    public static final String ACL_CLAIM_DEFAULT = "";

    public static final String CLOCK_SKEW_SECONDS_CONFIG = "auth.jwt.clock.skew.seconds";
    public static final String CLOCK_SKEW_SECONDS_DOC = "Tolerance for the clocks of issuer and node: a token is "
            + "accepted this long before nbf and after exp, and a connection ends this long after exp.";
    public static final int CLOCK_SKEW_SECONDS_DEFAULT = 30;

    public static final String EXPIRY_CONFIG = "auth.jwt.expiry";
    public static final String EXPIRY_DOC = "When a client's token expires its connection ends (MQTT 5 DISCONNECT "
            + "0x87, MQTT 3.1.1: closed). reauthenticate: an MQTT 5 client that connected with Authentication Method "
            + "JWT may send AUTH 0x19 with a fresh token of the same principal beforehand, and the connection then "
            + "lasts until the new token expires. disconnect: the first token's expiry ends the connection whatever "
            + "the client sends.";
    public static final String EXPIRY_DEFAULT = "reauthenticate";

    private static final Set<String> ASYMMETRIC =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    /** Defines this group's keys, in the order of the generated reference. */
    static void define(ConfigDef def) {
        BrokerConfigDef.Grouped g = new BrokerConfigDef.Grouped(def, GROUP);
        g.define(JWKS_FILE_CONFIG, Type.STRING, "", null, Importance.HIGH, JWKS_FILE_DOC);
        g.define(JWKS_URL_CONFIG, Type.STRING, "", null, Importance.HIGH, JWKS_URL_DOC);
        g.define(
                JWKS_CACHE_SECONDS_CONFIG,
                Type.INT,
                JWKS_CACHE_SECONDS_DEFAULT,
                Range.atLeast(60),
                Importance.LOW,
                JWKS_CACHE_SECONDS_DOC);
        g.define(ISSUER_CONFIG, Type.STRING, "", null, Importance.HIGH, ISSUER_DOC);
        g.define(AUDIENCE_CONFIG, Type.LIST, AUDIENCE_DEFAULT, null, Importance.HIGH, AUDIENCE_DOC);
        g.define(
                ALGORITHMS_CONFIG,
                Type.LIST,
                ALGORITHMS_DEFAULT,
                ConfigDef.ValidList.in(ASYMMETRIC.stream().sorted().toArray(String[]::new)),
                Importance.MEDIUM,
                ALGORITHMS_DOC);
        g.define(
                PRINCIPAL_CLAIM_CONFIG,
                Type.STRING,
                PRINCIPAL_CLAIM_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                PRINCIPAL_CLAIM_DOC);
        g.define(ACL_CLAIM_CONFIG, Type.STRING, ACL_CLAIM_DEFAULT, null, Importance.MEDIUM, ACL_CLAIM_DOC);
        g.define(
                CLOCK_SKEW_SECONDS_CONFIG,
                Type.INT,
                CLOCK_SKEW_SECONDS_DEFAULT,
                Range.between(0, 3600),
                Importance.LOW,
                CLOCK_SKEW_SECONDS_DOC);
        g.define(
                EXPIRY_CONFIG,
                Type.STRING,
                EXPIRY_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("disconnect", "reauthenticate"),
                Importance.MEDIUM,
                EXPIRY_DOC);
    }

    /** Whether JWT login is on: a JWKS file or URL is set. */
    public static boolean enabled(BrokerConfig config) {
        return !config.getString(JWKS_FILE_CONFIG).isBlank()
                || !config.getString(JWKS_URL_CONFIG).isBlank();
    }

    /** The checks across these settings; the JWKS itself is read when the node starts. */
    static void validate(BrokerConfig config) {
        if (!enabled(config)) {
            return;
        }
        if (!config.getString(JWKS_FILE_CONFIG).isBlank()
                && !config.getString(JWKS_URL_CONFIG).isBlank()) {
            throw new ConfigException(JWKS_FILE_CONFIG + " and " + JWKS_URL_CONFIG + " exclude each other: set one");
        }
        if (config.getString(ISSUER_CONFIG).isBlank()) {
            throw new ConfigException(ISSUER_CONFIG + " is required with JWT login (" + JWKS_FILE_CONFIG + " or "
                    + JWKS_URL_CONFIG + "): the iss claim tokens must carry");
        }
        if (config.getList(ALGORITHMS_CONFIG).isEmpty()) {
            throw new ConfigException(ALGORITHMS_CONFIG, "", "names no algorithm");
        }
    }
}
