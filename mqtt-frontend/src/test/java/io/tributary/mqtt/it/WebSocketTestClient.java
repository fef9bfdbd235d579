/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client on Netty's own client handshaker that sends the frames a test writes by hand and decodes
 * the MQTT packets the node sends back (one binary frame's payload after another, as a byte stream).
 */
final class WebSocketTestClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    /** The packets the node sent, in order; filled on the event loop. */
    private final BlockingQueue<MqttMessage> inbox;

    private final CompletableFuture<Boolean> closed = new CompletableFuture<>();

    private WebSocketTestClient(EventLoopGroup group, Channel channel, BlockingQueue<MqttMessage> inbox) {
        this.group = group;
        this.channel = channel;
        this.inbox = inbox;
        channel.closeFuture().addListener(f -> closed.complete(true));
    }

    /** Connects and completes the upgrade to {@code path}, offering {@code subprotocol}. */
    static WebSocketTestClient connect(int port, String path, String subprotocol) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CompletableFuture<Void> upgraded = new CompletableFuture<>();
        BlockingQueue<MqttMessage> inbox = new LinkedBlockingQueue<>();
        URI uri = URI.create("ws://127.0.0.1:" + port + path);
        try {
            Channel channel = connect(group, uri, port, subprotocol, upgraded, inbox);
            upgraded.get(10, TimeUnit.SECONDS);
            return new WebSocketTestClient(group, channel, inbox);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Channel connect(
            EventLoopGroup group,
            URI uri,
            int port,
            String subprotocol,
            CompletableFuture<Void> upgraded,
            BlockingQueue<MqttMessage> inbox)
            throws InterruptedException {
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new WebSocketClientProtocolHandler(
                                        WebSocketClientHandshakerFactory.newHandshaker(
                                                uri,
                                                WebSocketVersion.V13,
                                                subprotocol,
                                                false,
                                                new DefaultHttpHeaders())))
                                .addLast(new MessageToMessageDecoder<BinaryWebSocketFrame>() {
                                    @Override
                                    protected void decode(
                                            ChannelHandlerContext ctx, BinaryWebSocketFrame frame, List<Object> out) {
                                        out.add(frame.content().retain());
                                    }

                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt
                                                == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                                        .HANDSHAKE_COMPLETE) {
                                            upgraded.complete(null);
                                        }
                                        ctx.fireUserEventTriggered(evt);
                                    }
                                })
                                .addLast(new MqttDecoder())
                                .addLast(new SimpleChannelInboundHandler<MqttMessage>(false) {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                                        inbox.add(msg);
                                    }
                                });
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
    }

    void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)))
                .syncUninterruptibly();
    }

    void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    /** The type of the next packet from the node, within ten seconds (null if none came). */
    MqttMessageType nextType() throws InterruptedException {
        MqttMessage m = inbox.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            return null;
        }
        ReferenceCountUtil.release(m);
        return m.fixedHeader().messageType();
    }

    CompletableFuture<Boolean> closed() {
        return closed;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
