package io.checkpass.server.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.checkpass.server.sip.SipFixtures.MemoryLog;
import io.checkpass.server.sip.SipFixtures.RecordingPeer;
import io.checkpass.server.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Whatever arrives on the port, parsing and handling neither throw nor answer what must not be answered. */
class SipParserProperties {
    /** Fixed, so that a run is reproducible; QuickTheories reports it with any falsifying example. */
    private static final long SEED = 5060L;

    @Test
    void arbitrary_bytes_are_sorted_by_explicit_checks_never_by_the_exception_backstop() {
        qt().withExamples(1000)
                .withFixedSeed(SEED)
                .forAll(Generate.byteArrays(
                        integers().between(0, 2000), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)))
                .checkAssert(SipParserProperties::isSortedByAnExplicitCheck);
    }

    private static void isSortedByAnExplicitCheck(byte[] datagram) {
        SipParser.Parsed parsed = SipParser.parse(datagram, datagram.length);

        assertThat(parsed).isNotNull();
        if (parsed instanceof SipParser.Dropped(String why)) {
            assertThat(why).doesNotStartWith("unparseable");
        }
    }

    @Test
    void a_mutated_invite_is_handled_without_throwing_and_any_answer_is_a_response() {
        qt().withExamples(1000)
                .withFixedSeed(SEED)
                .forAll(mutatedInvites())
                .checkAssert(SipParserProperties::isHandledWithOnlyResponsesSent);
    }

    private static void isHandledWithOnlyResponsesSent(byte[] datagram) {
        RecordingPeer peer = new RecordingPeer(false);
        CallInLine line = new CallInLine(
                n -> Optional.of("cafe-1"), new MemoryLog(), new MutableClock(Instant.EPOCH), SipSettings.DEFAULTS);

        SipParser.Parsed parsed = SipParser.parse(datagram, datagram.length);
        line.receive(parsed, peer);

        if (parsed instanceof SipParser.Dropped(String why)) {
            assertThat(why).doesNotStartWith("unparseable");
        }
        assertThat(peer.sent)
                .allSatisfy(s -> assertThat(s.text()).startsWith("SIP/2.0 ").endsWith("\r\n\r\n"));
    }

    private static Gen<byte[]> mutatedInvites() {
        byte[] invite = SipFixtures.invite("z9hG4bK-1", "call-1").getBytes(StandardCharsets.UTF_8);
        Gen<Integer> position = integers().between(0, invite.length - 1);
        Gen<Byte> value = arbitrary()
                .pick(
                        (byte) 0,
                        (byte) ':',
                        (byte) ';',
                        (byte) '<',
                        (byte) '\r',
                        (byte) '\n',
                        (byte) ' ',
                        (byte) '"',
                        (byte) ',',
                        (byte) 0xFF,
                        (byte) 'x',
                        (byte) '9');
        return lists().of(position)
                .ofSizeBetween(0, 6)
                .zip(lists().of(value).ofSize(6), integers().between(1, invite.length), (positions, values, cut) -> {
                    byte[] copy = Arrays.copyOf(invite, cut);
                    for (int i = 0; i < positions.size(); i++) {
                        if (positions.get(i) < copy.length) {
                            copy[positions.get(i)] = values.get(i);
                        }
                    }
                    return copy;
                })
                .describedAs(SipParserProperties::escaped);
    }

    /** The datagram as text, with its control bytes escaped, so that a falsifying example reads as SIP. */
    private static String escaped(byte[] datagram) {
        return new String(datagram, StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r")
                .replace("\n", "\\n")
                .replace("\0", "\\0");
    }
}
