package io.checkpass.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.sip.SipFixtures.MemoryLog;
import io.checkpass.server.sip.SipFixtures.RecordingPeer;
import io.checkpass.server.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Whatever arrives on the port, parsing and handling neither throw nor answer what must not be answered. */
class SipParserProperties {

    @Property
    void arbitrary_bytes_are_sorted_by_explicit_checks_never_by_the_exception_backstop(@ForAll @Size(max = 2000) byte[] datagram) {
        SipParser.Parsed parsed = SipParser.parse(datagram, datagram.length);

        assertThat(parsed).isNotNull();
        if (parsed instanceof SipParser.Dropped(String why)) {
            assertThat(why).doesNotStartWith("unparseable");
        }
    }

    @Property
    void a_mutated_invite_is_handled_without_throwing_and_any_answer_is_a_response(@ForAll("mutatedInvites") byte[] datagram) {
        RecordingPeer peer = new RecordingPeer(false);
        CallInLine line = new CallInLine(n -> Optional.of("cafe-1"), new MemoryLog(), new MutableClock(Instant.EPOCH), SipSettings.DEFAULTS);

        SipParser.Parsed parsed = SipParser.parse(datagram, datagram.length);
        line.receive(parsed, peer);

        if (parsed instanceof SipParser.Dropped(String why)) {
            assertThat(why).doesNotStartWith("unparseable");
        }
        assertThat(peer.sent).allSatisfy(s -> assertThat(s.text()).startsWith("SIP/2.0 ").endsWith("\r\n\r\n"));
    }

    @Provide
    Arbitrary<byte[]> mutatedInvites() {
        byte[] invite = SipFixtures.invite("z9hG4bK-1", "call-1").getBytes(StandardCharsets.UTF_8);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, invite.length - 1);
        Arbitrary<Byte> value = Arbitraries.of((byte) 0, (byte) ':', (byte) ';', (byte) '<', (byte) '\r', (byte) '\n', (byte) ' ', (byte) '"',
                (byte) ',', (byte) 0xFF, (byte) 'x', (byte) '9');
        return net.jqwik.api.Combinators.combine(position.list().ofMaxSize(6), value.list().ofSize(6), Arbitraries.integers().between(1, invite.length))
                .as((positions, values, cut) -> {
                    byte[] copy = java.util.Arrays.copyOf(invite, cut);
                    for (int i = 0; i < positions.size(); i++) {
                        if (positions.get(i) < copy.length) {
                            copy[positions.get(i)] = values.get(i);
                        }
                    }
                    return copy;
                });
    }
}
