/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCounted;
import io.tributary.mqtt.limits.ConnectRateLimiter;
import io.tributary.mqtt.limits.ConnectionAdmission;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.testing.MqttFuzzCorpus;
import io.tributary.mqtt.wire.Packets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of valid packet streams (every client packet type of MQTT 3.1, 3.1.1 and 5) fed,
 * in random chunks, through the front of the real pipeline: decoder, decoder-failure handler, encoder,
 * admission, and a stand-in for the connect gate or the established session. For every input: no exception
 * leaves the pipeline, every buffer is released (input, cumulation, decoded packets; the paranoid leak
 * detector and LeakDetectionExtension watch too), a decoding failure ends with the channel closed, and what
 * the node wrote is at most the one answer the specification names (CONNACK before CONNECT, DISCONNECT
 * after). A failure names the case seed: {@code -Dfuzz.case=<seed>} replays just that case;
 * {@code -Dfuzz.seed} and {@code -Dfuzz.iterations} change the run.
 */
class DecoderFuzzTest {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final int MAX_PACKET = 512;
    private static final MqttFuzzCorpus CORPUS = new MqttFuzzCorpus();
    private static final ConnectRateLimiter NO_RATE_LIMIT = new ConnectRateLimiter(0, 1, System::nanoTime);

    @Test
    void mutatedPacketStreamsNeitherEscapeThePipelineNorLeak() {
        String single = System.getProperty("fuzz.case");
        if (single != null) {
            runCase(Long.parseLong(single));
            return;
        }
        long seed = Long.getLong("fuzz.seed", 0x7121B07A5EEDL);
        int iterations = Integer.getInteger("fuzz.iterations", 10_000);
        SplittableRandom random = new SplittableRandom(seed);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            long caseSeed = random.nextLong();
            try {
                runCase(caseSeed);
            } catch (Throwable t) {
                throw new AssertionError(
                        "fuzz case " + i + " of run seed " + seed + " failed; replay it with -Dfuzz.case=" + caseSeed
                                + ": " + t,
                        t);
            }
        }
        System.out.printf(
                "DecoderFuzzTest: %d cases (seed %d) in %d ms wall, %d ms CPU; decoding failed in %d, "
                        + "answered %d, left open %d%n",
                iterations,
                seed,
                (System.nanoTime() - wallStart) / 1_000_000,
                (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000,
                OUTCOMES[0],
                OUTCOMES[1],
                OUTCOMES[2]);
        assertThat(OUTCOMES[0]).as("cases the decoder rejected").isGreaterThan(iterations / 10);
        assertThat(OUTCOMES[2]).as("cases that stayed valid").isGreaterThan(iterations / 20);
    }

    /** Outcomes over a run: the mutations must reach both the failure path and the success path. */
    private static final int[] OUTCOMES = new int[3]; // decoding failed, answered, still open

    private enum Mode {
        BEFORE_CONNECT,
        REFUSED_BY_ADMISSION,
        ESTABLISHED
    }

    private static void runCase(long caseSeed) {
        SplittableRandom r = new SplittableRandom(caseSeed);
        MqttFuzzCorpus.Stream picked =
                CORPUS.seeds().get(r.nextInt(CORPUS.seeds().size()));
        Mode mode = Mode.values()[r.nextInt(Mode.values().length)];
        MqttFuzzCorpus.Stream seed = mode == Mode.ESTABLISHED ? MqttFuzzCorpus.withoutConnect(picked) : picked;
        byte[] input = CORPUS.mutate(r, seed);

        BrokerMetrics metrics = BrokerMetrics.inMemory();
        EstablishedSession session = new EstablishedSession(seed.version() == MqttVersion.MQTT_5);
        ConnectGateStandIn gate = new ConnectGateStandIn();
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                PacketBoundaryCheck packetCheck = new PacketBoundaryCheck(MAX_PACKET);
                ch.pipeline()
                        .addLast(MqttPipeline.PACKET_CHECK, packetCheck)
                        .addLast(MqttPipeline.DECODER, new MqttDecoder(MAX_PACKET, 64))
                        .addLast(MqttPipeline.DECODED_COUNT, packetCheck.decoded())
                        .addLast(MqttPipeline.DECODER_FAILURE, new DecoderFailureHandler(metrics, MAX_PACKET))
                        .addLast(MqttPipeline.ENCODER, MqttEncoder.INSTANCE);
                if (mode == Mode.ESTABLISHED) {
                    ch.attr(VERSION).set(seed.version());
                    ch.pipeline().addLast(MqttPipeline.SESSION, session);
                } else {
                    int maxConnections = mode == Mode.REFUSED_BY_ADMISSION ? 0 : 10;
                    ch.pipeline()
                            .addLast(
                                    MqttPipeline.ADMISSION,
                                    new ConnectionAdmission(maxConnections, NO_RATE_LIMIT, metrics))
                            .addLast(MqttPipeline.CONNECT_GATE, gate);
                }
            }
        });

        List<ByteBuf> written = new ArrayList<>();
        int offset = 0;
        int chunks = 1 + r.nextInt(3);
        for (int c = 0; c < chunks && offset < input.length && channel.isOpen(); c++) {
            int end = c == chunks - 1 ? input.length : offset + r.nextInt(input.length - offset + 1);
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(Math.max(1, end - offset));
            buf.writeBytes(input, offset, end - offset);
            written.add(buf);
            channel.writeInbound(buf); // rethrows whatever reached the end of the pipeline
            offset = end;
        }
        channel.runPendingTasks();
        channel.checkException();

        List<Integer> answers = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) out;
            answers.add(b.getUnsignedByte(0) & 0xF0);
            b.release();
        }
        boolean failed = metrics.getProtocolErrors() > 0 || !session.violations.isEmpty();
        OUTCOMES[0] += failed ? 1 : 0;
        OUTCOMES[1] += answers.isEmpty() ? 0 : 1;
        OUTCOMES[2] += channel.isOpen() ? 1 : 0;
        if (failed) {
            assertThat(channel.isOpen())
                    .as("closed after a packet that could not be decoded")
                    .isFalse();
        }
        assertThat(answers.size()).as("at most one answer").isLessThanOrEqualTo(1);
        int expected = mode == Mode.ESTABLISHED ? 0xE0 : 0x20; // DISCONNECT after CONNECT, CONNACK before
        assertThat(answers).allSatisfy(type -> assertThat(type).isEqualTo(expected));
        if (mode == Mode.REFUSED_BY_ADMISSION) {
            assertThat(gate.seen)
                    .as("a refused connection never reaches the connect gate")
                    .isZero();
        }

        channel.finishAndReleaseAll();
        for (ByteBuf buf : written) {
            assertThat(buf.refCnt()).as("input buffer released").isZero();
        }
        assertThat(gate.unreleased + session.unreleased)
                .as("decoded packets released")
                .isZero();
        assertThat(metrics.getOpenConnections())
                .as("open-connection count back to zero")
                .isZero();
    }

    /** Releases what it is given; closes on a first packet other than CONNECT, as the connect gate does. */
    private static final class ConnectGateStandIn extends ChannelInboundHandlerAdapter {
        int seen;
        int unreleased;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (seen++ == 0 && !(msg instanceof MqttConnectMessage)) {
                ctx.close(); // [MQTT-3.1.0-1]
            }
            unreleased += release(msg);
        }
    }

    /** What DecoderFailureHandler expects of an established session: the Connection it reports violations to. */
    private static final class EstablishedSession extends ChannelInboundHandlerAdapter implements Connection {
        final boolean v5;
        final List<Byte> violations = new ArrayList<>();
        ChannelHandlerContext ctx;
        int unreleased;

        EstablishedSession(boolean v5) {
            this.v5 = v5;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            this.ctx = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            unreleased += release(msg);
        }

        @Override
        public ChannelHandlerContext context() {
            return ctx;
        }

        @Override
        public io.tributary.mqtt.protocol.ConnectPolicy.Negotiated negotiated() {
            return io.tributary.mqtt.protocol.ConnectPolicy.Negotiated.NONE;
        }

        @Override
        public void protocolViolation(byte reasonCode, String why) {
            violations.add(reasonCode);
            if (v5) {
                ctx.writeAndFlush(Packets.disconnect(reasonCode, why)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }

    /** Releases a decoded packet; 1 when it still holds a buffer afterwards. */
    private static int release(Object msg) {
        if (msg instanceof ReferenceCounted rc) {
            return rc.release() ? 0 : 1;
        }
        if (msg instanceof io.netty.buffer.ByteBufHolder holder) {
            return holder.release() ? 0 : 1;
        }
        return 0;
    }
}
