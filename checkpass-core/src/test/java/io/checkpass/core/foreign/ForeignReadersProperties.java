package io.checkpass.core.foreign;

import static io.checkpass.core.foreign.ForeignFixtures.ES256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import io.checkpass.core.PassFixture;
import io.checkpass.core.codec.Base45;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.shc.ShcNumeric;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.ForeignFormat;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * No input makes a foreign reader throw or admit: arbitrary text after each prefix, and arbitrary bytes carried through
 * each format's transport encoding, so that they reach the COSE, CBOR, JWS and JSON parsers behind it.
 */
class ForeignReadersProperties {
    static final DccIssuer DCC = ForeignFixtures.dccIssuer();
    static final TrustBundle BUNDLE = new TrustBundle(
            1,
            Instant.EPOCH,
            List.of(PassFixture.issuerKey()),
            Set.of(),
            PassFixture.KOREA,
            ForeignTrust.empty().withDccSigner(DCC.certificate()).toJson());
    static final Map<String, ForeignFormat.Reader> READERS =
            ForeignFormats.all(ES256).stream().collect(Collectors.toMap(ForeignFormat::prefix, f -> f.reader(BUNDLE)));
    static final Instant NOW = Instant.parse("2021-12-20T03:00:00Z");
    /** Fixed, so that a run is reproducible; QuickTheories reports it with any falsifying example. */
    private static final long SEED = 20211220L;

    /** Any UTF-16 text up to {@code maxLength} chars: every char value, lone surrogates included. */
    private static Gen<String> text(int maxLength) {
        return strings()
                .betweenCodePoints(Character.MIN_VALUE, Character.MAX_VALUE)
                .ofLengthBetween(0, maxLength);
    }

    private static Gen<byte[]> bytes(int maxLength) {
        return Generate.byteArrays(
                Generate.range(0, maxLength), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    private static void neverAdmits(String text) {
        for (var reader : READERS.entrySet()) {
            FormatOutcome outcome = reader.getValue().read(reader.getKey() + text, NOW);
            assertThat(outcome).isInstanceOf(FormatOutcome.Failed.class);
            assertThat(((FormatOutcome.Failed) outcome).reason().admitting()).isFalse();
        }
    }

    @Test
    void arbitrary_text_after_any_prefix_fails_with_a_reason() {
        qt().withExamples(300)
                .withFixedSeed(SEED)
                .forAll(text(3000))
                .checkAssert(ForeignReadersProperties::neverAdmits);
    }

    @Test
    void arbitrary_bytes_through_each_transport_encoding_fail_with_a_reason() {
        qt().withExamples(300)
                .withFixedSeed(SEED)
                .forAll(bytes(2000))
                .checkAssert(ForeignReadersProperties::failsThroughEachTransportEncoding);
    }

    private static void failsThroughEachTransportEncoding(byte[] bytes) {
        FormatOutcome dcc = READERS.get("HC1:").read("HC1:" + Base45.encode(ForeignFixtures.zlib(bytes)), NOW);
        assertThat(dcc).isInstanceOf(FormatOutcome.Failed.class);

        String jwsLike = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String shcText =
                ShcNumeric.encode("eyJ6aXAiOiJERUYiLCJhbGciOiJFUzI1NiIsImtpZCI6IngifQ." + jwsLike + "." + jwsLike);
        assertThat(READERS.get(ShcNumeric.PREFIX).read(shcText, NOW)).isInstanceOf(FormatOutcome.Failed.class);

        assertThat(READERS.get("NZCP:/1/").read("NZCP:/1/" + base32(bytes), NOW))
                .isInstanceOf(FormatOutcome.Failed.class);
    }

    @Test
    void a_trusted_dcc_with_any_single_byte_changed_is_never_read_as_genuine() {
        qt().withExamples(200)
                .withFixedSeed(SEED)
                .forAll(integers().between(0, 100_000))
                .checkAssert(ForeignReadersProperties::aChangedByteIsNotGenuine);
    }

    private static void aChangedByteIsNotGenuine(int position) {
        byte[] cose = ForeignFixtures.cose(
                DCC,
                DCC.kid(),
                ForeignFixtures.KidIn.PROTECTED,
                ForeignFixtures.cwt(
                        ForeignFixtures.vaccination(2, 2, "2021-10-01"),
                        ForeignFixtures.SIGNED,
                        ForeignFixtures.EXPIRES));
        cose[position % cose.length] ^= (byte) (1 + position % 255);
        FormatOutcome outcome = READERS.get("HC1:").read(ForeignFixtures.hc1(cose), NOW);
        assertThat(outcome).isInstanceOf(FormatOutcome.Failed.class);
    }

    /** RFC 4648 Base32 without padding, the encoding NZCP uses. */
    private static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(alphabet.charAt((buffer >> bits) & 31));
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
