/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class WebSocketUpgradeCheckTest {

    static final ListenerTransport.WebSocket SETTINGS =
            new ListenerTransport.WebSocket("/mqtt", List.of("https://dashboard.example.com"));

    /** The status the check answers with, or 0 when it passes the request on to the upgrade. */
    static int statusOf(String path, String subprotocol, @Nullable String origin) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketUpgradeCheck(SETTINGS));
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subprotocol);
        if (origin != null) {
            request.headers().set(HttpHeaderNames.ORIGIN, origin);
        }
        channel.writeInbound(request);
        Object passed = channel.readInbound();
        FullHttpResponse response = channel.readOutbound();
        try {
            if (passed != null) {
                assertThat(channel.pipeline().get(WebSocketUpgradeCheck.class))
                        .as("leaves after the upgrade")
                        .isNull();
                return 0;
            }
            assertThat(channel.isOpen()).as("closed after the refusal").isFalse();
            return response.status().code();
        } finally {
            ReferenceCountUtil.release(passed);
            ReferenceCountUtil.release(response);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void anAllowedOriginOrNoOriginGoesOnToTheUpgrade() {
        assertThat(statusOf("/mqtt", "mqtt", "https://dashboard.example.com")).isZero();
        assertThat(statusOf("/mqtt?x=1", "mqttv3.1", null)).isZero();
    }

    @Test
    void anotherOriginIsForbidden() {
        assertThat(statusOf("/mqtt", "mqtt", "https://evil.example.com")).isEqualTo(403);
    }

    @Test
    void anotherPathOrNoMqttSubprotocolIsRefused() {
        assertThat(statusOf("/other", "mqtt", null)).isEqualTo(404);
        assertThat(statusOf("/mqtt", "chat, superchat", null)).isEqualTo(400);
    }
}
