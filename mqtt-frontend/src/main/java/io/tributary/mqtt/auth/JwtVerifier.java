/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static io.tributary.mqtt.config.JwtSettings.*;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.tributary.mqtt.acl.TokenScope;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a JWT (a JWS in compact form) as a client's credential: the signature against the keys of a JWKS file
 * or URL with an accepted algorithm, the issuer, the audience, the time window (exp required, nbf when present,
 * with a clock skew), then reads the principal claim and the optional ACL claim. Thread-safe; a JWKS URL is
 * fetched through nimbus's caching source, which may block on a cache miss, so callers verify off the event loops.
 */
public final class JwtVerifier {

    /** Who a valid token names, until when, and the topic filters it carries (null: none). */
    public record Identity(
            String principal, Instant expiresAt, @Nullable TokenScope scope) {}

    /** A token that is not accepted; {@code keysUnavailable}: the JWKS could not be fetched, the token may be fine. */
    public static final class Refused extends Exception {
        private final boolean keysUnavailable;

        Refused(String message, boolean keysUnavailable) {
            super(message, null, false, false);
            this.keysUnavailable = keysUnavailable;
        }

        public boolean keysUnavailable() {
            return keysUnavailable;
        }
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String principalClaim;
    private final String aclClaim;
    private final int skewSeconds;

    /**
     * @param audiences accepted audiences, empty: not checked
     * @param aclClaim  the claim of the token's topic filters, empty: none
     */
    public JwtVerifier(
            JWKSource<SecurityContext> keys,
            Set<JWSAlgorithm> algorithms,
            String issuer,
            Set<String> audiences,
            String principalClaim,
            String aclClaim,
            int skewSeconds) {
        this.principalClaim = principalClaim;
        this.aclClaim = aclClaim;
        this.skewSeconds = skewSeconds;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        Set<String> required = new HashSet<>(Set.of("exp", "iss", principalClaim));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audiences.isEmpty() ? null : audiences,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                required,
                null);
        claims.setMaxClockSkew(skewSeconds);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** From the {@code auth.jwt.*} settings, or null when JWT login is off. A bad JWKS file fails the start. */
    public static @Nullable JwtVerifier fromConfig(BrokerConfig config) {
        if (!io.tributary.mqtt.config.JwtSettings.enabled(config)) {
            return null;
        }
        return new JwtVerifier(
                keySource(config),
                config.getList(ALGORITHMS_CONFIG).stream()
                        .map(JWSAlgorithm::parse)
                        .collect(Collectors.toSet()),
                config.getString(ISSUER_CONFIG),
                Set.copyOf(config.getList(AUDIENCE_CONFIG)),
                config.getString(PRINCIPAL_CLAIM_CONFIG),
                config.getString(ACL_CLAIM_CONFIG),
                config.getInt(CLOCK_SKEW_SECONDS_CONFIG));
    }

    private static JWKSource<SecurityContext> keySource(BrokerConfig config) {
        String file = config.getString(JWKS_FILE_CONFIG);
        if (!file.isBlank()) {
            try {
                JWKSet set = JWKSet.load(new File(file)).toPublicJWKSet();
                if (set.isEmpty()) {
                    throw new ConfigException(JWKS_FILE_CONFIG, file, "holds no public key");
                }
                return new ImmutableJWKSet<>(set);
            } catch (IOException | ParseException e) {
                throw new ConfigException(JWKS_FILE_CONFIG, file, "not a readable JWKS file: " + e.getMessage());
            }
        }
        String url = config.getString(JWKS_URL_CONFIG);
        long ttlMs = config.getInt(JWKS_CACHE_SECONDS_CONFIG) * 1000L;
        try {
            URL location = URI.create(url).toURL();
            return JWKSourceBuilder.<SecurityContext>create(location)
                    .cache(ttlMs, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .refreshAheadCache(true)
                    .retrying(true)
                    .build();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new ConfigException(JWKS_URL_CONFIG, url, "not a URL: " + e.getMessage());
        }
    }

    /** Whether a password has the form of a signed JWT (three base64url parts, a JSON header), so it is one. */
    public static boolean looksLikeJwt(byte[] password) {
        if (password.length < 16 || password[0] != 'e' || password[1] != 'y' || password[2] != 'J') {
            return false; // every JWS header is a JSON object, "{\"..." in base64url is "eyJ"
        }
        int dots = 0;
        for (byte b : password) {
            if (b == '.') {
                dots++;
            } else if (!(Character.isLetterOrDigit(b) || b == '-' || b == '_')) {
                return false;
            }
        }
        return dots == 2;
    }

    /** Verifies {@code token}; the message of {@link Refused} says why it is not accepted, naming no secret. */
    public Identity verify(String token) throws Refused {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token); // an unsigned token (alg none) does not parse as a JWS
        } catch (ParseException e) {
            throw new Refused("not a signed JWT: " + e.getMessage(), false);
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (KeySourceException e) {
            throw new Refused("the JWKS could not be read: " + e.getMessage(), true);
        } catch (BadJOSEException | com.nimbusds.jose.JOSEException e) {
            String kid = jwt.getHeader().getKeyID();
            throw new Refused(
                    e.getMessage() + " (alg " + jwt.getHeader().getAlgorithm() + (kid == null ? "" : ", kid " + kid)
                            + ")",
                    false);
        }
        String principal;
        try {
            principal = claims.getStringClaim(principalClaim);
        } catch (ParseException e) {
            throw new Refused("claim " + principalClaim + " is not a string", false);
        }
        if (principal == null || principal.isBlank()) {
            throw new Refused("claim " + principalClaim + " is empty", false);
        }
        Instant expiry = claims.getExpirationTime().toInstant().plusSeconds(skewSeconds);
        return new Identity(principal, expiry, scope(claims));
    }

    private @Nullable TokenScope scope(JWTClaimsSet claims) throws Refused {
        if (aclClaim.isEmpty()) {
            return null;
        }
        Object value = claims.getClaim(aclClaim);
        if (!(value instanceof Map<?, ?> acl)) {
            throw new Refused("no " + aclClaim + " claim (an object of publish and subscribe filters)", false);
        }
        try {
            return TokenScope.of(strings(acl, "publish", "pub"), strings(acl, "subscribe", "sub"));
        } catch (IllegalArgumentException e) {
            throw new Refused("claim " + aclClaim + ": " + e.getMessage(), false);
        }
    }

    private List<String> strings(Map<?, ?> acl, String name, String shortName) throws Refused {
        Object v = acl.containsKey(name) ? acl.get(name) : acl.get(shortName);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new Refused("claim " + aclClaim + "." + name + " is not a list of topic filters", false);
        }
        return list.stream().map(String.class::cast).toList();
    }
}
