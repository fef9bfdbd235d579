/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.tributary.mqtt.protocol.MqttPipeline;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The node's MQTT listener: the Netty server socket and its event loops. It is bound first, before Kafka is
 * touched, so a busy port fails the start at once; it accepts connections only once {@link #open} hands it the
 * pipeline of a ready node (until then the kernel holds new connections in the backlog).
 */
final class MqttListener {

    private final EventLoopGroup bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final Channel serverChannel;
    private volatile MqttPipeline pipeline;

    private MqttListener(String bind, int port, String setting) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.AUTO_READ, false) // no accept() before open()
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.install(ch.pipeline());
                    }
                });
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (Exception e) {
            stopLoops(0);
            throw new IllegalStateException(NodeListeners.cannotListen("MQTT", bind, port, setting, e), e);
        }
    }

    /**
     * Binds {@code bind:port} without accepting yet; fails with a message naming the address and {@code setting}.
     */
    static MqttListener reserve(String bind, int port, String setting) {
        return new MqttListener(bind, port, setting);
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
        workerGroup.shutdownGracefully(0, seconds, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, seconds, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
