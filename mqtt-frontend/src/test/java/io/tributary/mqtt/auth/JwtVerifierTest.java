/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.JwtSettings;
import io.tributary.mqtt.testing.TestTokens;
import io.tributary.mqtt.topic.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The verifier on tokens signed by keys generated here: what it accepts, and each reason it refuses. */
class JwtVerifierTest {

    static final TestTokens TOKENS = new TestTokens();

    static JwtVerifier verifier(String principalClaim, String aclClaim, int skewSeconds) {
        return new JwtVerifier(
                new ImmutableJWKSet<>(TOKENS.publicJwks()),
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                TestTokens.ISSUER,
                Set.of(TestTokens.AUDIENCE),
                principalClaim,
                aclClaim,
                skewSeconds);
    }

    static final JwtVerifier PLAIN = verifier("sub", "", 0);

    static JWTClaimsSet.Builder good() {
        return TestTokens.claims("device-1", Duration.ofMinutes(5));
    }

    static void refused(JwtVerifier v, String token, String reason) {
        assertThatThrownBy(() -> v.verify(token))
                .isInstanceOf(JwtVerifier.Refused.class)
                .hasMessageContaining(reason);
    }

    @Test
    void rs256AndEs256TokensNameTheirSubjectUntilTheirExpiry() throws Exception {
        JWTClaimsSet claims = good().build();
        JwtVerifier.Identity rsa = PLAIN.verify(TOKENS.rs256(claims));
        assertThat(rsa.principal()).isEqualTo("device-1");
        assertThat(rsa.expiresAt()) // a JWT's times are whole seconds
                .isEqualTo(claims.getExpirationTime().toInstant().truncatedTo(ChronoUnit.SECONDS));
        assertThat(rsa.scope()).isNull();
        assertThat(PLAIN.verify(TOKENS.es256(claims)).principal()).isEqualTo("device-1");
    }

    @Test
    void thePrincipalComesFromTheConfiguredClaim() throws Exception {
        JwtVerifier byName = verifier("preferred_username", "", 0);
        assertThat(byName.verify(TOKENS.rs256(
                                good().claim("preferred_username", "alice").build()))
                        .principal())
                .isEqualTo("alice");
        refused(byName, TOKENS.rs256(good().build()), "preferred_username");
    }

    @Test
    void theClaimSettingsOfTheConfigurationReachTheVerifier() throws Exception {
        JwtVerifier configured = JwtVerifier.fromConfig(new BrokerConfig(Map.of(
                JwtSettings.JWKS_FILE_CONFIG,
                TOKENS.jwksFile().toString(),
                JwtSettings.ISSUER_CONFIG,
                TestTokens.ISSUER,
                JwtSettings.AUDIENCE_CONFIG,
                TestTokens.AUDIENCE,
                JwtSettings.PRINCIPAL_CLAIM_CONFIG,
                "device_id",
                JwtSettings.ACL_CLAIM_CONFIG,
                "mqtt")));
        JwtVerifier.Identity identity = configured.verify(TOKENS.rs256(good().claim("device_id", "d-42")
                .claim("mqtt", TestTokens.acl(List.of("d/42/#"), List.of()))
                .build()));
        assertThat(identity.principal()).isEqualTo("d-42");
        assertThat(identity.scope()).isNotNull();
        refused(configured, TOKENS.rs256(good().claim("device_id", "d-42").build()), "mqtt");
    }

    @Test
    void aTamperedSignatureIsRefused() {
        refused(PLAIN, TestTokens.tampered(TOKENS.rs256(good().build())), "Invalid signature");
        refused(PLAIN, TestTokens.tampered(TOKENS.es256(good().build())), "Invalid signature");
    }

    @Test
    void aChangedPayloadIsRefused() {
        String[] parts = TOKENS.rs256(good().build()).split("\\.");
        String otherPayload = TOKENS.rs256(good().subject("admin").build()).split("\\.")[1];
        refused(PLAIN, parts[0] + "." + otherPayload + "." + parts[2], "Invalid signature");
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() {
        refused(PLAIN, TOKENS.rs256(good().issuer("https://evil.test").build()), "iss");
        refused(PLAIN, TOKENS.rs256(good().audience("another-app").build()), "aud");
        refused(PLAIN, TOKENS.rs256(good().audience((String) null).build()), "aud");
    }

    @Test
    void expiredNotYetValidAndWithoutExpiryAreRefused() {
        Instant now = Instant.now();
        refused(
                PLAIN,
                TOKENS.rs256(
                        good().expirationTime(Date.from(now.minusSeconds(5))).build()),
                "Expired");
        refused(
                PLAIN,
                TOKENS.rs256(
                        good().notBeforeTime(Date.from(now.plusSeconds(60))).build()),
                "before use");
        refused(PLAIN, TOKENS.rs256(good().expirationTime(null).build()), "exp");
    }

    @Test
    void theClockSkewToleratesARecentExpiryAndMovesTheEndByAsMuch() throws Exception {
        JwtVerifier lenient = verifier("sub", "", 30);
        Date exp = Date.from(Instant.now().minusSeconds(5));
        JwtVerifier.Identity id =
                lenient.verify(TOKENS.rs256(good().expirationTime(exp).build()));
        assertThat(id.expiresAt())
                .isEqualTo(exp.toInstant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(30));
    }

    @Test
    void anUnknownKeyIdUnsignedTokensAndOtherAlgorithmsAreRefused() {
        refused(PLAIN, TOKENS.unknownKey(good().build()), "no matching key");
        refused(PLAIN, TestTokens.unsigned(good().build()), "not a signed JWT");
        JwtVerifier esOnly = new JwtVerifier(
                new ImmutableJWKSet<>(TOKENS.publicJwks()),
                Set.of(JWSAlgorithm.ES256),
                TestTokens.ISSUER,
                Set.of(),
                "sub",
                "",
                0);
        refused(esOnly, TOKENS.rs256(good().build()), "RS256");
        refused(PLAIN, "eyJhbGciOiJIUzI1NiJ9.e30.x", "");
        refused(PLAIN, "not-a-token", "not a signed JWT");
    }

    @Test
    void anUnreachableJwksUrlSaysTheKeysAreUnavailableNotThatTheTokenIsBad() {
        JwtVerifier unreachable = JwtVerifier.fromConfig(new BrokerConfig(Map.of(
                JwtSettings.JWKS_URL_CONFIG,
                "http://127.0.0.1:1/jwks.json",
                JwtSettings.ISSUER_CONFIG,
                TestTokens.ISSUER)));
        JwtVerifier.Refused refused =
                catchThrowableOfType(JwtVerifier.Refused.class, () -> unreachable.verify(TOKENS.rs256(good().build())));
        assertThat(refused.keysUnavailable()).as(refused.getMessage()).isTrue();
    }

    @Test
    void theAclClaimBecomesTheTokensScope() throws Exception {
        JwtVerifier scoped = verifier("sub", "mqtt", 0);
        JwtVerifier.Identity id = scoped.verify(TOKENS.rs256(
                good().claim("mqtt", TestTokens.acl(List.of("devices/device-1/#"), List.of("cmd/device-1/+")))
                        .build()));
        assertThat(id.scope()).isNotNull();
        assertThat(id.scope().publishDenied("devices/device-1/temp")).isNull();
        assertThat(id.scope().publishDenied("devices/device-2/temp")).contains("publish filters");
        assertThat(id.scope().subscribeDenied(TopicFilter.parse("cmd/device-1/reboot")))
                .isNull();
        assertThat(id.scope().subscribeDenied(TopicFilter.parse("cmd/#"))).isNotNull();
        assertThat(id.scope().mayRead("cmd/device-1/x")).isTrue();
        assertThat(id.scope().mayRead("cmd/device-2/x")).isFalse();

        refused(scoped, TOKENS.rs256(good().build()), "no mqtt claim");
        refused(
                scoped,
                TOKENS.rs256(good().claim("mqtt", Map.of("publish", "a/b")).build()),
                "not a list");
        refused(
                scoped,
                TOKENS.rs256(good().claim("mqtt", Map.of("publish", List.of("a/#/b")))
                        .build()),
                "'#'");
    }

    @Test
    void passwordsThatLookLikeTokensAreTakenAsTokens() {
        assertThat(JwtVerifier.looksLikeJwt(TOKENS.rs256(good().build()).getBytes(StandardCharsets.US_ASCII)))
                .isTrue();
        assertThat(JwtVerifier.looksLikeJwt("s3cret".getBytes(StandardCharsets.US_ASCII)))
                .isFalse();
        assertThat(JwtVerifier.looksLikeJwt("eyJ.but with spaces.x".getBytes(StandardCharsets.US_ASCII)))
                .isFalse();
        assertThat(JwtVerifier.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII)))
                .isFalse();
    }

    @Test
    void settingsNeedOneKeySourceAndAnIssuer() {
        String jwks = TOKENS.jwksFile().toString();
        assertThatThrownBy(() -> new BrokerConfig(Map.of(JwtSettings.JWKS_FILE_CONFIG, jwks)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(JwtSettings.ISSUER_CONFIG);
        assertThatThrownBy(() -> new BrokerConfig(Map.of(
                        JwtSettings.JWKS_FILE_CONFIG,
                        jwks,
                        JwtSettings.JWKS_URL_CONFIG,
                        "http://127.0.0.1:1/jwks",
                        JwtSettings.ISSUER_CONFIG,
                        TestTokens.ISSUER)))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> new BrokerConfig(Map.of(
                        JwtSettings.JWKS_FILE_CONFIG,
                        jwks,
                        JwtSettings.ISSUER_CONFIG,
                        TestTokens.ISSUER,
                        JwtSettings.ALGORITHMS_CONFIG,
                        "HS256")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> JwtVerifier.fromConfig(new BrokerConfig(Map.of(
                        JwtSettings.JWKS_FILE_CONFIG,
                        "/no/such/jwks.json",
                        JwtSettings.ISSUER_CONFIG,
                        TestTokens.ISSUER))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(JwtSettings.JWKS_FILE_CONFIG);
        assertThat(JwtVerifier.fromConfig(new BrokerConfig(
                        Map.of(JwtSettings.JWKS_FILE_CONFIG, jwks, JwtSettings.ISSUER_CONFIG, TestTokens.ISSUER))))
                .isNotNull();
        assertThat(JwtVerifier.fromConfig(new BrokerConfig(Map.of()))).isNull();
        assertThatThrownBy(() -> new BrokerConfig(Map.of(JwtSettings.JWKS_CACHE_SECONDS_CONFIG, "30")))
                .isInstanceOf(ConfigException.class);
        assertThat(JwtVerifier.fromConfig(new BrokerConfig(Map.of(
                        JwtSettings.JWKS_URL_CONFIG, "https://idp.test/jwks.json",
                        JwtSettings.ISSUER_CONFIG, TestTokens.ISSUER,
                        JwtSettings.JWKS_CACHE_SECONDS_CONFIG, "60"))))
                .isNotNull(); // nimbus accepts the shortest cache: 60 s > 30 s refresh ahead + 15 s refresh timeout
    }
}
