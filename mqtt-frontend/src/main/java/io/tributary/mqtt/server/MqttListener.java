/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.tributary.mqtt.protocol.MqttPipeline;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The node's MQTT listener: the Netty server socket and its event loops. */
final class MqttListener {

    private final EventLoopGroup bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final Channel serverChannel;

    private MqttListener(String bind, int port, MqttPipeline pipeline) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(pipeline);
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (Exception e) {
            stopLoops(0);
            throw new IllegalStateException(
                    "cannot listen for MQTT on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Binds {@code bind:port}; fails with a message naming the address. */
    static MqttListener bind(String bind, int port, MqttPipeline pipeline) {
        return new MqttListener(bind, port, pipeline);
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
