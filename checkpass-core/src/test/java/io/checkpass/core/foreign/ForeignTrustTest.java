package io.checkpass.core.foreign;

import static io.checkpass.core.PassFixture.KOREA;
import static io.checkpass.core.PassFixture.RESTAURANT;
import static io.checkpass.core.PassFixture.issuerKey;
import static io.checkpass.core.foreign.ForeignFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.PassFixture;
import io.checkpass.core.codec.Json;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.ForeignFixtures.KidIn;
import io.checkpass.core.foreign.nzcp.NzcpIssuer;
import io.checkpass.core.foreign.shc.ShcIssuer;
import io.checkpass.core.foreign.shc.ShcNumeric;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.Verdict;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Foreign trust material: its JSON form, merging, and the way it reaches the verifier inside a signed bundle. */
class ForeignTrustTest {
    static final Path NZCP = Path.of(System.getProperty("basedir", "."))
            .resolve("../testdata/nzcp/spec-examples/valid")
            .normalize();
    static final Instant LUNCH = Instant.parse("2021-12-20T03:00:00Z");

    static JsonNode nzDidDocument() throws Exception {
        return Json.parse(Files.readAllBytes(NZCP.resolve("did.json")));
    }

    static PassVerifier verifier(ForeignTrust trust, Instant at) throws Exception {
        TrustBundle bundle = new TrustBundle(1, at, List.of(issuerKey()), Set.of(), KOREA, trust.toJson())
                .withMedicalRules(MedicalRules.korea());
        // Through the signed CBOR form, as a scanner receives it.
        TrustBundle received = TrustBundles.open(
                        TrustBundles.sign(bundle, PassFixture.BUNDLE_KEY, ES256), Optional.empty(), ES256)
                .bundle();
        return new PassVerifier(
                received, ES256, Clock.fixed(at, ZoneOffset.UTC), VerifierPolicy.DEFAULT, ForeignFormats.all(ES256));
    }

    @Test
    void trust_material_survives_its_json_form_unchanged() throws Exception {
        ShcFixture shc = new ShcFixture();
        ForeignTrust trust = ForeignTrust.empty()
                .withDccSigner(dccIssuer().certificate())
                .withShcIssuer(shc.issuer())
                .withNzcpIssuer(NzcpIssuer.of(nzDidDocument()));

        ForeignTrust again = ForeignTrust.fromJson(Json.parse(Json.MAPPER.writeValueAsBytes(trust.toJson())));

        assertThat(again.toJson()).isEqualTo(trust.toJson());
        assertThat(again.dccSigners()).isEqualTo(trust.dccSigners());
        assertThat(again.toString()).isEqualTo("ForeignTrust[1 DCC signers, 1 SHC issuers, 1 NZCP issuers]");
    }

    @Test
    void merging_keeps_one_entry_per_certificate_and_per_issuer() throws Exception {
        DccIssuer dcc = dccIssuer();
        ShcFixture shc = new ShcFixture();
        ForeignTrust once =
                ForeignTrust.empty().withDccSigner(dcc.certificate()).withShcIssuer(shc.issuer());

        ForeignTrust twice = once.merge(once);

        assertThat(twice.dccSigners()).hasSize(1);
        assertThat(twice.shcIssuers()).hasSize(1);
        assertThat(twice.shcIssuers().getFirst().keys()).hasSize(1);
    }

    @Test
    void a_bad_entry_fails_an_operators_file_but_a_scanner_leaves_out_just_that_entry() throws Exception {
        ObjectNode json = ForeignTrust.empty()
                .withNzcpIssuer(NzcpIssuer.of(nzDidDocument()))
                .toJson();
        json.putArray("dcc").addObject().put("kid", "AAAA").put("certificate", "bm90IGEgY2VydGlmaWNhdGU=");

        assertThatThrownBy(() -> ForeignTrust.fromJson(json)).hasMessageStartingWith("dcc[0]: ");
        ForeignTrust lenient = ForeignTrust.fromBundle(json);
        assertThat(lenient.dccSigners()).isEmpty();
        assertThat(lenient.nzcpIssuers()).hasSize(1);
    }

    @Test
    void a_foreign_pass_in_a_signed_bundle_comes_out_as_an_id_check_with_the_venue_rules_applied() throws Exception {
        String pass = Files.readString(NZCP.resolve("nzcp.txt")).strip();
        PassVerifier verifier = verifier(ForeignTrust.empty().withNzcpIssuer(NzcpIssuer.of(nzDidDocument())), LUNCH);

        VerificationResult result = verifier.verify(pass, RESTAURANT);

        assertThat(result.verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(result.pass().orElseThrow().display().orElseThrow().maskedName())
                .isEqualTo("J*w");
    }

    @Test
    void without_trust_material_a_foreign_pass_is_from_an_unknown_key_and_an_unknown_prefix_is_unsupported()
            throws Exception {
        PassVerifier verifier = verifier(ForeignTrust.empty(), LUNCH);
        assertThat(verifier.verify(Files.readString(NZCP.resolve("nzcp.txt")).strip(), RESTAURANT)
                        .reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(verifier.verify("NZCP:/2/ABC", RESTAURANT).reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    }

    @Test
    void an_expired_dcc_is_denied_by_the_verifier_with_its_own_reason() throws Exception {
        DccIssuer issuer = dccIssuer();
        String pass =
                hc1(cose(issuer, issuer.kid(), KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), SIGNED, EXPIRES)));
        PassVerifier verifier =
                verifier(ForeignTrust.empty().withDccSigner(issuer.certificate()), EXPIRES.plusSeconds(1));

        assertThat(verifier.verify(pass, RESTAURANT).reason()).isEqualTo(Reason.CREDENTIAL_EXPIRED);
    }

    @Test
    void a_multi_chunk_smart_card_longer_than_a_native_pass_reaches_its_reader() throws Exception {
        ShcFixture shc = new ShcFixture();
        String numeric = ShcNumeric.encode(shcJws(shc.key, shcPayload(ShcFixture.ISS, SIGNED, null), false));
        assertThat(numeric.length()).isGreaterThan(PassFormat.MAX_TEXT_CHARS);

        VerificationResult result = verifier(ForeignTrust.empty().withShcIssuer(shc.issuer()), LUNCH)
                .verify(numeric, RESTAURANT);

        assertThat(result.verdict()).isEqualTo(Verdict.CHECK_ID);
    }

    /** One SHC issuer with one key. */
    static final class ShcFixture {
        static final String ISS = "https://issuer.example.org/shc";
        final ForeignFixtures.ShcKey key = shcKey();

        ShcIssuer issuer() {
            return new ShcIssuer(
                    ISS,
                    Json.MAPPER
                            .createObjectNode()
                            .set("keys", Json.MAPPER.createArrayNode().add(key.jwk())),
                    List.of());
        }
    }
}
