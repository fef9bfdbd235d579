/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.testing.ScramClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SCRAM-SHA-256 server against RFC 7677's example and against an independent test-side client. */
class ScramSha256AuthenticatorTest {

    private static final ScramCredential ALICE = ScramCredential.fromPassword("correct horse", 4096);
    private final ScramSha256Authenticator server = new ScramSha256Authenticator(Map.of("alice", ALICE)::get);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void rfc7677ExampleGivesThePublishedServerFirstAndServerSignature() {
        // RFC 7677 section 3: user "user", password "pencil", the published nonces, salt and iteration count.
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        ScramCredential user = ScramCredential.fromPassword("pencil", salt, 4096);
        var rfcServer = new ScramSha256Authenticator(Map.of("user", user)::get, () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

        AuthStep first = rfcServer.start("c1", utf8("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        assertThat(first).isInstanceOf(AuthStep.Continue.class);
        var cont = (AuthStep.Continue) first;
        assertThat(text(cont.serverData()))
                .isEqualTo("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");

        AuthStep last = cont.next()
                .proceed(utf8("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        assertThat(last).isInstanceOf(AuthStep.Success.class);
        assertThat(text(((AuthStep.Success) last).serverFinalData()))
                .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assertThat(((AuthStep.Success) last).principal()).isEqualTo("user");
    }

    @Test
    void rightPasswordAuthenticatesAndTheServerProvesItKnowsTheCredential() throws Exception {
        ScramClient client = new ScramClient("alice", "correct horse");
        var cont = (AuthStep.Continue) server.start("c1", client.clientFirst());
        AuthStep last = cont.next().proceed(client.clientFinal(cont.serverData()));
        assertThat(last).isInstanceOf(AuthStep.Success.class);
        assertThat(client.serverFinalValid(((AuthStep.Success) last).serverFinalData()))
                .isTrue();
    }

    @Test
    void wrongPasswordFailsWithNotAuthorized() throws Exception {
        ScramClient client = new ScramClient("alice", "battery staple");
        var cont = (AuthStep.Continue) server.start("c1", client.clientFirst());
        assertThat(cont.next().proceed(client.clientFinal(cont.serverData())))
                .isEqualTo(new AuthStep.Failure((byte) 0x87, "invalid proof"));
    }

    @Test
    void unknownUserGetsAPlausibleChallengeAndFailsAtTheProof() throws Exception {
        ScramClient client = new ScramClient("mallory", "anything");
        AuthStep first = server.start("c1", client.clientFirst());
        assertThat(first).isInstanceOf(AuthStep.Continue.class); // does not reveal that the user is unknown
        var cont = (AuthStep.Continue) first;
        assertThat(text(cont.serverData())).contains(",s=").endsWith(",i=4096");
        // the same made-up salt every time, like a real user's
        var again = (AuthStep.Continue) server.start("c2", new ScramClient("mallory", "x").clientFirst());
        assertThat(text(again.serverData()).split(",")[1])
                .isEqualTo(text(cont.serverData()).split(",")[1]);
        assertThat(cont.next().proceed(client.clientFinal(cont.serverData()))).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void serverNonceExtendsTheClientNonceAndDiffersPerExchange() {
        var a = (AuthStep.Continue) server.start("c1", utf8("n,,n=alice,r=abc"));
        var b = (AuthStep.Continue) server.start("c1", utf8("n,,n=alice,r=abc"));
        String ra = text(a.serverData()).split(",")[0];
        String rb = text(b.serverData()).split(",")[0];
        assertThat(ra).startsWith("r=abc").hasSizeGreaterThan(20).isNotEqualTo(rb);
    }

    @Test
    void channelBindingOrAuthzidInTheGs2HeaderIsRefused() {
        assertThat(server.start("c1", utf8("p=tls-unique,,n=alice,r=abc"))).isInstanceOf(AuthStep.Failure.class);
        assertThat(server.start("c1", utf8("n,a=admin,n=alice,r=abc"))).isInstanceOf(AuthStep.Failure.class);
        assertThat(server.start("c1", utf8("n=alice,r=abc"))).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void mandatoryExtensionAndMalformedMessagesAreRefused() {
        assertThat(server.start("c1", utf8("n,,n=alice,r=abc,m=ext"))).isInstanceOf(AuthStep.Failure.class);
        assertThat(server.start("c1", utf8("n,,r=abc,n=alice"))).isInstanceOf(AuthStep.Failure.class);
        assertThat(server.start("c1", utf8("n,,n=al=ice,r=abc"))).isInstanceOf(AuthStep.Failure.class);
        assertThat(server.start("c1", new byte[0])).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void clientFinalWithAnotherNonceOrChannelBindingIsRefused() throws Exception {
        ScramClient client = new ScramClient("alice", "correct horse", "abc");
        var cont = (AuthStep.Continue) server.start("c1", client.clientFirst());
        String fin = text(client.clientFinal(cont.serverData()));
        String otherNonce = fin.replaceFirst("r=abc", "r=abd");
        assertThat(cont.next().proceed(utf8(otherNonce))).isInstanceOf(AuthStep.Failure.class);
        String otherBinding = fin.replaceFirst("c=biws", "c=eSws");
        assertThat(cont.next().proceed(utf8(otherBinding))).isInstanceOf(AuthStep.Failure.class);
        assertThat(cont.next().proceed(utf8("c=biws"))).isInstanceOf(AuthStep.Failure.class);
        assertThat(cont.next().proceed(utf8(fin.substring(0, fin.indexOf(",p=")) + ",p=###")))
                .isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void userNamesWithCommaAndEqualsAreUnescaped() throws Exception {
        ScramCredential c = ScramCredential.fromPassword("pw", 4096);
        var odd = new ScramSha256Authenticator(Map.of("a,b=c", c)::get);
        ScramClient client = new ScramClient("a,b=c", "pw");
        var cont = (AuthStep.Continue) odd.start("c1", client.clientFirst());
        AuthStep last = cont.next().proceed(client.clientFinal(cont.serverData()));
        assertThat(last).isInstanceOf(AuthStep.Success.class);
        assertThat(((AuthStep.Success) last).principal()).isEqualTo("a,b=c");
    }

    @Test
    void credentialMatchesOnlyItsPassword() {
        assertThat(ALICE.matches("correct horse")).isTrue();
        assertThat(ALICE.matches("correct horsE")).isFalse();
        assertThat(ALICE.matches("")).isFalse();
        assertThat(ALICE.toString()).isEqualTo("ScramCredential[iterations=4096]"); // no key material in logs
    }
}
