/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Opens many idle MQTT 5 connections to one broker from one source address and holds them: the client side of
 * {@code benchmarks/run-idle-connections.sh}, which runs several of these at once (one process may hold at most
 * as many connections as it may open files) and measures the broker's memory per connection.
 *
 * <p>Each client sends CONNECT (clean start, no will) and waits for CONNACK; with {@code --subscribe} it then
 * subscribes to a topic of its own at QoS 0. Connects start once {@code --go-file} exists, with at most
 * {@code --in-flight} unanswered at once, so that several processes start together. The line
 * {@code CONNECTED ok=.. failed=.. start_us=.. end_us=..} tells when the first connect started and the last
 * was answered (wall clock, microseconds: the script adds up the processes). The connections are then held, with
 * a PINGREQ per keep-alive period, until {@code --release-file} exists; they are closed with a reset (SO_LINGER
 * 0) so that no TIME_WAIT is left for the next run.
 */
@Command(name = "idle-connections", mixinStandardHelpOptions = true, description = "Holds idle MQTT 5 connections.")
public final class IdleConnections implements Callable<Integer> {

    @Option(names = "--host", description = "Broker address (default 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--connections", required = true)
    int connections;

    @Option(names = "--source-address", description = "Local address to connect from, e.g. 127.0.0.2.")
    String sourceAddress = "127.0.0.1";

    @Option(names = "--in-flight", description = "Connects sent and not yet answered, at most (default 32).")
    int inFlight = 32;

    @Option(names = "--keep-alive", description = "Keep alive in seconds; 0: none (default 60).")
    int keepAlive = 60;

    @Option(names = "--subscribe", description = "Each client also subscribes to idle/<client id> at QoS 0.")
    boolean subscribe;

    @Option(names = "--client-id-prefix", description = "Client ids are this prefix and a number.")
    String clientIdPrefix = "idle-" + ProcessHandle.current().pid() + "-";

    @Option(names = "--go-file", description = "Start connecting once this file exists (default: at once).")
    Path goFile;

    @Option(names = "--release-file", description = "Close the connections once this file exists (default: at once).")
    Path releaseFile;

    @Option(names = "--timeout", description = "Seconds the connects may take in all (default 120).")
    int timeoutSeconds = 120;

    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong endMicros = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new IdleConnections()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch answered = new CountDownLatch(connections);
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_LINGER, 0)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
            System.out.println("READY " + connections + " connections from " + sourceAddress);
            System.out.flush();
            waitFor(goFile);
            long start = micros();
            InetSocketAddress remote = new InetSocketAddress(host, port);
            InetSocketAddress local = new InetSocketAddress(sourceAddress, 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (int i = 0; i < connections && System.nanoTime() < deadline; i++) {
                if (!permits.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                String clientId = clientIdPrefix + i;
                Runnable done = () -> {
                    permits.release();
                    endMicros.accumulateAndGet(micros(), Math::max);
                    answered.countDown();
                };
                bootstrap
                        .clone()
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new IdleClient(clientId, done, open));
                            }
                        })
                        .connect(remote, local)
                        .addListener((ChannelFutureListener) f -> {
                            if (!f.isSuccess()) {
                                fail(f.cause().toString());
                                done.run();
                            }
                        });
            }
            answered.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long end = endMicros.get();
            double seconds = Math.max(1, end - start) / 1e6;
            System.out.printf(
                    "CONNECTED ok=%d failed=%d start_us=%d end_us=%d seconds=%.3f rate=%.0f%n",
                    ok.get(), failed.get(), start, end, seconds, ok.get() / seconds);
            if (firstFailure.get() != null) {
                System.out.println("first failure: " + firstFailure.get());
            }
            System.out.flush();
            if (keepAlive > 0) {
                long every = keepAlive * 1000L / 2;
                group.next()
                        .scheduleAtFixedRate(
                                () -> open.forEach(ch -> ch.writeAndFlush(IdleConnectionPackets.pingreq(ch.alloc()))),
                                every,
                                every,
                                TimeUnit.MILLISECONDS);
            }
            waitFor(releaseFile);
            open.close().awaitUninterruptibly(30, TimeUnit.SECONDS);
            System.out.println("CLOSED " + ok.get());
            return ok.get() == connections ? 0 : 1;
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private void fail(String why) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, why);
    }

    private static long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    private static void waitFor(Path file) throws InterruptedException {
        while (file != null && !Files.exists(file)) {
            Thread.sleep(2);
        }
    }

    /** One client: CONNECT, CONNACK, optionally SUBSCRIBE and SUBACK; then it only answers nothing and reads. */
    private final class IdleClient extends ByteToMessageDecoder {
        private final String clientId;
        private final Runnable done;
        private final ChannelGroup open;
        private boolean established;
        private boolean answered;

        IdleClient(String clientId, Runnable done, ChannelGroup open) {
            this.clientId = clientId;
            this.done = done;
            this.open = open;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.writeAndFlush(IdleConnectionPackets.connect(ctx.alloc(), clientId, keepAlive));
            super.channelActive(ctx);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int length;
            while ((length = IdleConnectionPackets.wholePacketLength(in)) > 0) {
                int type = in.getUnsignedByte(in.readerIndex()) >> 4;
                int headerLength = length - remainingLength(in, length);
                int reason = in.getUnsignedByte(in.readerIndex() + headerLength + 1);
                if (!established && type == IdleConnectionPackets.CONNACK) {
                    if (reason != 0) {
                        answer(false, "CONNACK reason 0x" + Integer.toHexString(reason));
                    } else if (subscribe) {
                        ctx.writeAndFlush(IdleConnectionPackets.subscribe(ctx.alloc(), "idle/" + clientId));
                    } else {
                        established(ctx);
                    }
                } else if (!established && type == IdleConnectionPackets.SUBACK) {
                    // The payload's first reason code follows the packet id and the properties.
                    int props = in.getUnsignedByte(in.readerIndex() + headerLength + 2);
                    int code = in.getUnsignedByte(in.readerIndex() + headerLength + 3 + props);
                    if (code > 2) {
                        answer(false, "SUBACK reason 0x" + Integer.toHexString(code));
                    } else {
                        established(ctx);
                    }
                }
                in.skipBytes(length);
            }
        }

        /** The Remaining Length of a whole packet of {@code length} bytes at the reader index. */
        private static int remainingLength(ByteBuf in, int length) {
            int i = in.readerIndex() + 1;
            int value = 0;
            int shift = 0;
            int digit;
            do {
                digit = in.getUnsignedByte(i++);
                value |= (digit & 0x7F) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0 && i < in.readerIndex() + length);
            return value;
        }

        private void established(ChannelHandlerContext ctx) {
            established = true;
            open.add(ctx.channel());
            answer(true, null);
        }

        private void answer(boolean success, String why) {
            if (answered) {
                return;
            }
            answered = true;
            if (success) {
                ok.incrementAndGet();
            } else {
                fail(why);
            }
            done.run();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            answer(false, "closed by the broker before it answered");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer(false, cause.toString());
            ctx.close();
        }
    }
}
