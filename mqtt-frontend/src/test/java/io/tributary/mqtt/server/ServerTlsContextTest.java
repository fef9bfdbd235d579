/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.TestCertificates;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** {@code tls.cipher.suites} and {@code tls.protocols} reach the engines of the TLS listeners, on both providers. */
class ServerTlsContextTest {

    static final TestCertificates CA = TestCertificates.authority("context-test-ca");
    static final TestCertificates.Issued NODE = CA.server("context-test-node"); // an EC P-256 key
    static final String ONLY_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
    static final String OTHER_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";

    static BrokerConfig settings(String provider) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LISTENERS_CONFIG, "tls://127.0.0.1:0");
        settings.put(TLS_CERT_FILE_CONFIG, NODE.certPem().toString());
        settings.put(TLS_KEY_FILE_CONFIG, NODE.keyPem().toString());
        settings.put(TLS_PROTOCOLS_CONFIG, "TLSv1.2");
        settings.put(TLS_CIPHER_SUITES_CONFIG, ONLY_SUITE);
        settings.put(TLS_PROVIDER_CONFIG, provider);
        return new BrokerConfig(settings);
    }

    @Test
    void theServerOffersOnlyTheConfiguredCipherSuitesAndVersions() throws Exception {
        ServerTlsContext.Built built = ServerTlsContext.of(settings("jdk"));
        assertThat(built.provider()).isEqualTo(SslProvider.JDK);
        assertThat(built.context().cipherSuites()).containsExactly(ONLY_SUITE);
        SSLEngine server = built.context().newEngine(ByteBufAllocator.DEFAULT);
        assertThat(server.getEnabledProtocols()).containsExactly("TLSv1.2");

        handshake(client(ONLY_SUITE), server); // a client that offers the suite gets in
        SSLEngine other = built.context().newEngine(ByteBufAllocator.DEFAULT);
        assertThatThrownBy(() -> handshake(client(OTHER_SUITE), other))
                .as("a client with no suite in common is refused")
                .isInstanceOf(SSLException.class);
    }

    @Test
    void openSslTakesTheSameSettings() {
        if (!OpenSsl.isAvailable()) {
            assertThat(ServerTlsContext.provider(settings("auto"))).isEqualTo(SslProvider.JDK);
            return; // the auto provider falls back to the JDK's where BoringSSL does not load
        }
        ServerTlsContext.Built built = ServerTlsContext.of(settings("openssl"));
        assertThat(built.provider()).isEqualTo(SslProvider.OPENSSL);
        assertThat(built.context().cipherSuites()).containsExactly(ONLY_SUITE);
        SSLEngine server = built.context().newEngine(ByteBufAllocator.DEFAULT);
        try {
            assertThat(server.getEnabledCipherSuites()).containsExactly(ONLY_SUITE);
            assertThat(server.getEnabledProtocols()).contains("TLSv1.2").doesNotContain("TLSv1.3", "TLSv1.1");
        } finally {
            ReferenceCountUtil.release(server);
        }
    }

    /** A JDK client that trusts the test CA and offers only {@code suite}. */
    static SSLEngine client(String suite) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLSv1.2");
        tls.init(null, CA.trustManagers().getTrustManagers(), null);
        SSLEngine engine = tls.createSSLEngine("127.0.0.1", 8883);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        engine.setEnabledCipherSuites(new String[] {suite});
        return engine;
    }

    /** Runs a TLS handshake between two engines in memory; throws the SSLException of the side that gave up. */
    static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        server.setUseClientMode(false);
        ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
        ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100 && !(done(client) && done(server)); round++) {
            step(client, toClient, toServer, sink);
            step(server, toServer, toClient, sink);
        }
        assertThat(done(client) && done(server)).as("handshake finished").isTrue();
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus s = engine.getHandshakeStatus();
        return s == HandshakeStatus.FINISHED || s == HandshakeStatus.NOT_HANDSHAKING;
    }

    /** One turn of {@code engine}: read what the peer sent, run delegated tasks, write what it has to say. */
    private static void step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer sink) throws SSLException {
        in.flip();
        while (in.hasRemaining()) {
            int before = in.remaining();
            engine.unwrap(in, sink);
            runTasks(engine);
            if (in.remaining() == before) {
                break; // needs more of the peer's bytes
            }
        }
        in.compact();
        sink.clear();
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            engine.wrap(ByteBuffer.allocate(0), out);
            runTasks(engine);
        }
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
