/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An issuer of JWTs for tests: an RSA and an EC key pair generated at construction (no key is committed), their
 * public JWKS, and tokens signed with either, with claims a test adjusts.
 */
public final class TestTokens {

    public static final String ISSUER = "https://idp.test";
    public static final String AUDIENCE = "tributary";

    public final RSAKey rsa;
    public final ECKey ec;
    /** A key the JWKS does not hold, under a key id it does not know either. */
    public final RSAKey stranger;

    public TestTokens() {
        try {
            rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            stranger = new RSAKeyGenerator(2048).keyID("rsa-unknown").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS of the RSA and EC keys. */
    public JWKSet publicJwks() {
        return new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK()));
    }

    /** Writes {@link #publicJwks} to a temporary file. */
    public Path jwksFile() {
        try {
            Path file = Files.createTempFile("tributary-jwks", ".json");
            Files.writeString(file, publicJwks().toString(true));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Claims of a good token for {@code subject}: issuer, audience, issued now, valid for {@code lifetime}. */
    public static JWTClaimsSet.Builder claims(String subject, Duration lifetime) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)));
    }

    /** An RS256 token of {@code claims}. */
    public String rs256(JWTClaimsSet claims) {
        return sign(claims, JWSAlgorithm.RS256, rsa.getKeyID(), rsaSigner(rsa));
    }

    /** An ES256 token of {@code claims}. */
    public String es256(JWTClaimsSet claims) {
        try {
            return sign(claims, JWSAlgorithm.ES256, ec.getKeyID(), new ECDSASigner(ec));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An RS256 token signed by a key the JWKS does not hold. */
    public String unknownKey(JWTClaimsSet claims) {
        return sign(claims, JWSAlgorithm.RS256, stranger.getKeyID(), rsaSigner(stranger));
    }

    /** A good RS256 token for {@code subject}, valid for {@code lifetime}, with {@code more} claims. */
    public String good(String subject, Duration lifetime, UnaryOperator<JWTClaimsSet.Builder> more) {
        return rs256(more.apply(claims(subject, lifetime)).build());
    }

    /** {@code token} with one character of its signature changed. */
    public static String tampered(String token) {
        char last = token.charAt(token.length() - 2);
        return token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    }

    /** An unsigned token ({@code "alg":"none"}) of {@code claims}. */
    public static String unsigned(JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    /** An ACL claim value: {@code {"publish":[...],"subscribe":[...]}}. */
    public static Map<String, Object> acl(List<String> publish, List<String> subscribe) {
        return Map.of("publish", publish, "subscribe", subscribe);
    }

    private static RSASSASigner rsaSigner(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWTClaimsSet claims, JWSAlgorithm alg, String kid, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
