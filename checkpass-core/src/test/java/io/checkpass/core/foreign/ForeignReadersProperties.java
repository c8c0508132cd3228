package io.checkpass.core.foreign;

import static io.checkpass.core.foreign.ForeignFixtures.ES256;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.PassFixture;
import io.checkpass.core.codec.Base45;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.shc.ShcNumeric;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.ForeignFormat;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * No input makes a foreign reader throw or admit: arbitrary text after each prefix, and arbitrary bytes carried through
 * each format's transport encoding, so that they reach the COSE, CBOR, JWS and JSON parsers behind it.
 */
class ForeignReadersProperties {
    static final DccIssuer DCC = ForeignFixtures.dccIssuer();
    static final TrustBundle BUNDLE = new TrustBundle(1, Instant.EPOCH, List.of(PassFixture.issuerKey()), Set.of(), PassFixture.KOREA,
            ForeignTrust.empty().withDccSigner(DCC.certificate()).toJson());
    static final Map<String, ForeignFormat.Reader> READERS = ForeignFormats.all(ES256).stream()
            .collect(java.util.stream.Collectors.toMap(ForeignFormat::prefix, f -> f.reader(BUNDLE)));
    static final Instant NOW = Instant.parse("2021-12-20T03:00:00Z");

    private static void neverAdmits(String text) {
        for (var reader : READERS.entrySet()) {
            FormatOutcome outcome = reader.getValue().read(reader.getKey() + text, NOW);
            assertThat(outcome).isInstanceOf(FormatOutcome.Failed.class);
            assertThat(((FormatOutcome.Failed) outcome).reason().admitting()).isFalse();
        }
    }

    @Property(tries = 300)
    void arbitrary_text_after_any_prefix_fails_with_a_reason(@ForAll @StringLength(max = 3000) String text) {
        neverAdmits(text);
    }

    @Property(tries = 300)
    void arbitrary_bytes_through_each_transport_encoding_fail_with_a_reason(@ForAll @Size(max = 2000) byte[] bytes) {
        FormatOutcome dcc = READERS.get("HC1:").read("HC1:" + Base45.encode(ForeignFixtures.zlib(bytes)), NOW);
        assertThat(dcc).isInstanceOf(FormatOutcome.Failed.class);

        String jwsLike = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String shcText = ShcNumeric.encode("eyJ6aXAiOiJERUYiLCJhbGciOiJFUzI1NiIsImtpZCI6IngifQ." + jwsLike + "." + jwsLike);
        assertThat(READERS.get(ShcNumeric.PREFIX).read(shcText, NOW)).isInstanceOf(FormatOutcome.Failed.class);

        assertThat(READERS.get("NZCP:/1/").read("NZCP:/1/" + base32(bytes), NOW)).isInstanceOf(FormatOutcome.Failed.class);
    }

    @Property(tries = 200)
    void a_trusted_dcc_with_any_single_byte_changed_is_never_read_as_genuine(@ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 100_000) int position) {
        byte[] cose = ForeignFixtures.cose(DCC, DCC.kid(), ForeignFixtures.KidIn.PROTECTED,
                ForeignFixtures.cwt(ForeignFixtures.vaccination(2, 2, "2021-10-01"), ForeignFixtures.SIGNED, ForeignFixtures.EXPIRES));
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
