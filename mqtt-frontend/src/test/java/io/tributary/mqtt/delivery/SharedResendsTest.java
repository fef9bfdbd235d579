/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A resumed member of a shared subscription gets the QoS 2 messages it had in flight completed [MQTT-4.8.2-4]: PUBREL
 * again past PUBREC, else the PUBLISH again (DUP, same packet id [MQTT-4.4.0-1]) once its record is read back.
 */
class SharedResendsTest {

    private final OutboxTest.FakeWriter writer = new OutboxTest.FakeWriter();
    private final OutboxTest.FakeReader reader = new OutboxTest.FakeReader();

    private Outbox resumed(SharedInFlight... owed) {
        DeliveryState state = new DeliveryState(Map.of(), Map.of(), Map.of(), List.of(), Map.of(), List.of(owed));
        Outbox outbox = new Outbox(10, 100, new AtomicLong());
        outbox.resume(List.of(), state);
        return outbox;
    }

    private static Message message() {
        return new Message("s/x", "p".getBytes(StandardCharsets.UTF_8), 2, false, "pub", MessageProperties.NONE);
    }

    @Test
    void aReleasedMessageGetsItsPubrelAgainAndIsDoneAtPubcomp() {
        SharedInFlight owed = new SharedInFlight(17, "messages:3", 42, true, false, List.of());
        Outbox outbox = resumed(owed);
        assertThat(outbox.snapshot(reader, List.of()).shared())
                .as("stored again before the connection is attached")
                .containsExactly(owed);
        outbox.attach(writer, 65535, List.of());
        assertThat(writer.pubrels).containsExactly(17);
        assertThat(outbox.hasSharedToResend()).isFalse();
        assertThat(outbox.snapshot(reader, List.of()).shared()).containsExactly(owed);
        assertThat(outbox.complete(17)).isTrue();
        assertThat(outbox.snapshot(reader, List.of()).shared()).isEmpty();
        assertThat(writer.publishes).isEmpty();
    }

    @Test
    void anUnreleasedMessageIsSentAgainWithDupUnderItsPacketIdOnceReadBack() {
        SharedInFlight owed = new SharedInFlight(5, "messages:3", 42, false, true, List.of(9));
        Outbox outbox = resumed(owed);
        outbox.attach(writer, 65535, List.of());
        assertThat(outbox.hasSharedToResend()).isTrue();
        assertThat(outbox.sharedToResend()).containsExactly(owed);
        assertThat(outbox.snapshot(reader, List.of()).shared())
                .as("still owed while its record is read back")
                .containsExactly(owed);

        outbox.resendShared(owed, message());
        assertThat(writer.publishes).containsExactly(new OutboxTest.FakeWriter.Written(-1, 5, 2, true));
        assertThat(outbox.hasSharedToResend()).isFalse();
        outbox.resendShared(owed, message());
        assertThat(writer.publishes).as("sent once").hasSize(1);

        outbox.received(5, false);
        assertThat(writer.pubrels).containsExactly(5);
        assertThat(outbox.snapshot(reader, List.of()).shared())
                .containsExactly(new SharedInFlight(5, "messages:3", 42, true, true, List.of(9)));
        outbox.complete(5);
        assertThat(outbox.snapshot(reader, List.of()).shared()).isEmpty();
    }

    @Test
    void newMessagesDoNotTakeTheOwedPacketIds() {
        Outbox outbox = resumed(new SharedInFlight(1, "messages:3", 42, false, false, List.of()));
        outbox.startLive(List.of());
        outbox.attach(writer, 65535, List.of());
        outbox.offerShared(
                Delivery.shared(message(), 1, false, Delivery.NO_IDS, new OutboxShareLeaseTest.RecordingLease()));
        outbox.drain();
        assertThat(writer.publishes)
                .extracting(OutboxTest.FakeWriter.Written::packetId)
                .doesNotContain(1);
    }

    @Test
    void aMessageWhoseRecordIsGoneFreesItsPacketId() {
        SharedInFlight owed = new SharedInFlight(3, "messages:3", 42, false, false, List.of());
        Outbox outbox = resumed(owed);
        outbox.attach(writer, 65535, List.of());
        outbox.resendShared(owed, null);
        assertThat(writer.publishes).isEmpty();
        assertThat(outbox.snapshot(reader, List.of()).shared()).isEmpty();
        assertThat(outbox.complete(3)).as("the id is free").isFalse();
    }

    @Test
    void aMessageTheClientAcknowledgesBeforeItIsReadBackIsNotSentAgain() {
        SharedInFlight owed = new SharedInFlight(4, "messages:3", 42, false, false, List.of());
        Outbox outbox = resumed(owed);
        outbox.attach(writer, 65535, List.of());
        outbox.received(4, false); // the client had it: PUBREC, so PUBREL is owed now, not the message
        assertThat(writer.pubrels).containsExactly(4);
        outbox.resendShared(owed, message());
        assertThat(writer.publishes).isEmpty();
    }

    @Test
    void aConnectionThatEndsBeforeTheResendStoresWhatIsStillOwed() {
        SharedInFlight owed = new SharedInFlight(6, "messages:3", 42, false, false, List.of());
        Outbox outbox = resumed(owed);
        assertThat(outbox.detach(reader).shared())
                .as("closed before it was attached")
                .containsExactly(owed);

        Outbox again = resumed(owed);
        again.attach(writer, 65535, List.of());
        assertThat(again.detach(reader).shared())
                .as("closed before the record was read back")
                .containsExactly(owed);
    }

    @Test
    void aResumedSessionNeverWritesTheMarkerOfARecordAgain() {
        // Stored just before its node died, before the share group's ACCEPT: the record carried the marker. Written
        // again by the resumed session, the marker would come back after the node that removes it has done so.
        SharedInFlight marked = new SharedInFlight(5, "messages:3", 42, false, false, List.of(), "tributary-share-g-1");
        Outbox outbox = resumed(marked);
        assertThat(outbox.snapshot(reader, List.of()).shared()).containsExactly(marked.withoutMarker());
        outbox.attach(writer, 65535, List.of());
        assertThat(outbox.snapshot(reader, List.of()).shared())
                .extracting(SharedInFlight::shareGroup)
                .containsExactly((String) null);
    }
}
