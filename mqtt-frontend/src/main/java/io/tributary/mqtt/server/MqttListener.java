/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.tributary.mqtt.protocol.ListenerTransport;
import io.tributary.mqtt.protocol.MqttPipeline;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's MQTT listener: the Netty server socket and its event loops. It is bound first, before Kafka is
 * touched, so a busy port fails the start at once; it accepts connections only once {@link #open} hands it the
 * pipeline of a ready node (until then the kernel holds new connections in the backlog).
 */
final class MqttListener {

    private static final Logger LOG = LoggerFactory.getLogger(MqttListener.class);

    /**
     * Linux's epoll through Netty's native transport when its library loads, else the JDK's NIO. Epoll keeps less
     * per connection (no JDK SocketChannel, selection key and selector maps) and accepts faster; NIO is the
     * fallback on other systems, and with {@code -Dio.netty.transport.noNative=true}.
     */
    static final boolean EPOLL = Epoll.isAvailable();

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    /** The plain listener owns the event loops; the TLS and WebSocket listeners share them. */
    private final boolean ownsLoops;
    /** What goes in front of the MQTT codec; null on plain TCP. */
    private final @Nullable ListenerTransport transport;

    private final String bind;
    private final Channel serverChannel;
    private volatile MqttPipeline pipeline;

    private MqttListener(
            String bind,
            int port,
            String setting,
            @Nullable MqttListener loopsOf,
            @Nullable ListenerTransport transport) {
        this.bind = bind;
        this.ownsLoops = loopsOf == null;
        if (ownsLoops) {
            LOG.info("MQTT listeners on the {} transport", EPOLL ? "epoll" : "NIO");
        }
        this.bossGroup = ownsLoops ? new MultiThreadIoEventLoopGroup(1, ioHandlers()) : loopsOf.bossGroup;
        this.workerGroup = ownsLoops ? new MultiThreadIoEventLoopGroup(ioHandlers()) : loopsOf.workerGroup;
        this.transport = transport;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.AUTO_READ, false) // no accept() before open()
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (transport == null) {
                            pipeline.install(ch.pipeline());
                        } else {
                            pipeline.install(ch.pipeline(), transport);
                        }
                    }
                });
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (Exception e) {
            stopLoops(0);
            String what = transport == null ? "MQTT" : "MQTT (" + transport.scheme() + ")";
            throw new IllegalStateException(NodeListeners.cannotListen(what, bind, port, setting, e), e);
        }
    }

    private static IoHandlerFactory ioHandlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    private static Class<? extends ServerChannel> serverChannelType() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * Binds {@code bind:port} without accepting yet; fails with a message naming the address and {@code setting}. A
     * listener of any transport ({@code transport} null: plain TCP), on the event loops of
     * {@code first} or, when it is null, on event loops of its own that the listeners after it share.
     */
    static MqttListener reserve(
            @Nullable MqttListener first,
            @Nullable ListenerTransport transport,
            String bind,
            int port,
            String setting) {
        return new MqttListener(bind, port, setting, first, transport);
    }

    /** {@code mqtt}, {@code mqtts}, {@code ws} or {@code wss}. */
    String scheme() {
        return transport == null ? "mqtt" : transport.scheme();
    }

    /** The address it is bound to, e.g. {@code 0.0.0.0}. */
    String bind() {
        return bind;
    }

    /** The URL clients use, e.g. {@code wss://host:8443/mqtt}. */
    String url(String host) {
        String path = transport != null && transport.webSocket() != null
                ? transport.webSocket().path()
                : "";
        return scheme() + "://" + host + ":" + port() + path;
    }

    /** Starts accepting connections, each served by {@code mqttPipeline}. */
    void open(MqttPipeline mqttPipeline) {
        this.pipeline = mqttPipeline;
        serverChannel.config().setAutoRead(true);
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting connections; open ones stay until {@link #stopLoops}. */
    void closeSocket() {
        serverChannel.close().syncUninterruptibly();
    }

    /** Ends the event loops (and with them every connection), waiting up to {@code seconds}. */
    void stopLoops(int seconds) {
        if (!ownsLoops) {
            return;
        }
        workerGroup.shutdownGracefully(0, seconds, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, seconds, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
