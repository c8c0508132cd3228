package io.checkpass.core.foreign.shc;

import static io.checkpass.core.foreign.ForeignFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.codec.Json;
import io.checkpass.core.foreign.ForeignFixtures.ShcKey;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.Reason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SMART Health Cards: raw r‖s only, issuer binding, CRL timestamps, numeric chunks. */
class ShcVerifierTest {
    static final String ISS = "https://issuer.example.org/shc";
    static final ShcKey KEY = shcKey();
    static final Instant NBF = Instant.parse("2021-12-01T00:00:00Z");

    static ShcIssuer issuer(JsonNode... crls) {
        return new ShcIssuer(
                ISS,
                Json.MAPPER
                        .createObjectNode()
                        .set(
                                "keys",
                                Json.MAPPER
                                        .createArrayNode()
                                        .add(KEY.jwk().deepCopy().put("crlVersion", 1))),
                List.of(crls));
    }

    static FormatOutcome verify(ShcIssuer issuer, String jws) {
        return new ShcVerifier(List.of(issuer), ES256).verify(jws);
    }

    @Test
    void a_card_signed_with_a_raw_signature_reads_and_proves_its_doses() {
        var read = (FormatOutcome.Read) verify(issuer(), shcJws(KEY, shcPayload(ISS, NBF, null), false));
        var facts = read.facts();
        // What the card proves; the door decides from it (14 days after the second dose, under the Korean rules).
        assertThat(read.evidence().orElseThrow().doses())
                .extracting(d -> d.date().toString())
                .containsExactly("2021-01-01", "2021-01-29");
        assertThat(facts.issuedAt()).contains(NBF);
        assertThat(facts.display().orElseThrow().maskedName()).isEqualTo("J*n");
    }

    @Test
    void the_same_signature_in_der_is_rejected() {
        assertThat(verify(issuer(), shcJws(KEY, shcPayload(ISS, NBF, null), true)))
                .isEqualTo(new FormatOutcome.Failed(Reason.BAD_SIGNATURE));
    }

    @Test
    void a_card_whose_iss_is_not_the_keys_issuer_is_from_an_unknown_key() {
        assertThat(verify(issuer(), shcJws(KEY, shcPayload("https://other.example.org", NBF, null), false)))
                .isEqualTo(new FormatOutcome.Failed(Reason.UNKNOWN_KEY));
    }

    @Test
    void a_revocation_with_a_timestamp_revokes_only_cards_issued_before_it() {
        JsonNode crl = Json.parse("""
                {"kid": "%s", "method": "rid", "ctr": 1, "rids": ["abc.%d", "xyz"]}""".formatted(KEY.kid(), NBF.getEpochSecond()));
        ShcIssuer revoking = issuer(crl);

        assertThat(verify(revoking, shcJws(KEY, shcPayload(ISS, NBF.minusSeconds(1), "abc"), false)))
                .isEqualTo(new FormatOutcome.Failed(Reason.REVOKED));
        assertThat(verify(revoking, shcJws(KEY, shcPayload(ISS, NBF, "abc"), false)))
                .isInstanceOf(FormatOutcome.Read.class);
        assertThat(verify(revoking, shcJws(KEY, shcPayload(ISS, NBF, "xyz"), false)))
                .isEqualTo(new FormatOutcome.Failed(Reason.REVOKED));
    }

    @Test
    void a_crl_whose_counter_is_not_the_keys_crl_version_is_refused_at_import() {
        JsonNode crl = Json.parse("""
                {"kid": "%s", "method": "rid", "ctr": 2, "rids": []}""".formatted(KEY.kid()));
        assertThatThrownBy(() -> issuer(crl)).hasMessageContaining("crlVersion");
    }

    @Test
    void a_numeric_card_reads_whole_or_in_balanced_chunks_in_any_order() {
        String jws = shcJws(KEY, shcPayload(ISS, NBF, null), false);
        String numeric = ShcNumeric.encode(jws);
        assertThat(ShcNumeric.decode(List.of(numeric))).isEqualTo(jws);
        assertThat(new ShcVerifier(List.of(issuer()), ES256).readQr(numeric)).isInstanceOf(FormatOutcome.Read.class);

        String digits = numeric.substring(ShcNumeric.PREFIX.length());
        int half = digits.length() / 4 * 2;
        List<String> chunks = List.of("shc:/2/2/" + digits.substring(half), "shc:/1/2/" + digits.substring(0, half));
        // The card fits one QR code, so two chunks are more than it needs.
        assertThatThrownBy(() -> ShcNumeric.decode(chunks)).hasMessageContaining("fit in 1");
    }
}
