/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.tributary.mqtt.metrics.BrokerMetrics;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line for a failed TLS handshake (plain TCP to a TLS port, an untrusted or missing client certificate,
 * no common protocol), naming the peer and the reason; the connection is closed by the TLS handler. Leaves the
 * pipeline once the handshake is over.
 */
final class TlsHandshakeLog extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeLog.class);

    private final BrokerMetrics metrics;

    TlsHandshakeLog(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                metrics.protocolError();
                LOG.info("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), reason(done.cause()));
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Why, in one short phrase: Netty's message for a non-TLS record dumps the bytes received, and a refused
     * client certificate's reason lies deep in the causes of a PKIX message.
     */
    static String reason(Throwable cause) {
        Throwable root = cause.getCause() != null ? cause.getCause() : cause;
        if (cause instanceof NotSslRecordException || root instanceof NotSslRecordException) {
            return "the client does not speak TLS (a plain MQTT client on a TLS port?)";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the client certificate has expired (" + t.getMessage() + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "the client certificate is not valid yet (" + t.getMessage() + ")";
            }
            if (t instanceof CertPathBuilderException
                    || (t instanceof CertPathValidatorException v
                            && v.getReason() == CertPathValidatorException.BasicReason.UNSPECIFIED
                            && String.valueOf(v.getMessage()).contains("trust anchor"))) {
                return "the client certificate is not signed by a CA of tls.ca.file (" + t.getMessage() + ")";
            }
        }
        return String.valueOf(root.getMessage());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The handshake failure arrives here too, already logged from its completion event: close quietly.
        ctx.close();
    }
}
