package io.checkpass.core.foreign;

import static io.checkpass.core.PassFixture.KARAOKE;
import static io.checkpass.core.PassFixture.RESTAURANT;
import static io.checkpass.core.foreign.ForeignFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.codec.Json;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.ForeignFixtures.KidIn;
import io.checkpass.core.foreign.dcc.DccRevocationList;
import io.checkpass.core.foreign.dcc.DccRevocationList.HashType;
import io.checkpass.core.foreign.dcc.DccRevocations;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.PassWarning;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.Verdict;
import io.checkpass.core.verify.VerificationResult;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * EU DCCs through the verifier, with trust and revocation lists inside a signed bundle: expiry inclusive of exp,
 * warnings on the result, a status the certificate cannot prove refused with its own reason, and revocation.
 */
class DccAtTheDoorTest {
    static final DccIssuer ISSUER = dccIssuer();
    static final Instant AT_LUNCH = Instant.parse("2021-12-20T03:00:00Z");

    static String pass(ObjectNode dgc) {
        return hc1(cose(ISSUER, ISSUER.kid(), KidIn.PROTECTED, cwt(dgc, SIGNED, EXPIRES)));
    }

    static PassVerifier verifier(ForeignTrust trust, Instant at) throws Exception {
        return ForeignTrustTest.verifier(trust, at);
    }

    static ForeignTrust trust() {
        return ForeignTrust.empty().withDccSigner(ISSUER.certificate());
    }

    @Test
    void a_dcc_is_valid_up_to_and_including_its_exp() throws Exception {
        String pass = pass(vaccination(2, 2, "2021-10-01"));
        // The venue rules by then may not ask for a pass at all; what matters is that the credential is not expired.
        assertThat(verifier(trust(), EXPIRES).verify(pass, RESTAURANT).verdict())
                .isNotEqualTo(Verdict.DENY);
        assertThat(verifier(trust(), EXPIRES.plusMillis(999))
                        .verify(pass, RESTAURANT)
                        .verdict())
                .isNotEqualTo(Verdict.DENY);
        assertThat(verifier(trust(), EXPIRES.plusSeconds(1))
                        .verify(pass, RESTAURANT)
                        .reason())
                .isEqualTo(Reason.CREDENTIAL_EXPIRED);
    }

    @Test
    void a_genuine_dcc_that_bends_the_schema_is_admitted_with_its_warnings_on_the_result() throws Exception {
        ObjectNode dgc = vaccination(2, 2, "2021-10-01").put("dob", "1964-08-12T00:00:00");
        VerificationResult result = verifier(trust(), AT_LUNCH).verify(pass(dgc), RESTAURANT);

        assertThat(result.verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(result.warnings()).extracting(PassWarning::field).containsExactly("dob");
        assertThat(result.pass().orElseThrow().display().orElseThrow().birthYear())
                .isEqualTo(1964);
    }

    @Test
    void a_test_without_a_known_result_is_denied_as_not_proving_a_status_not_as_malformed() throws Exception {
        VerificationResult unknown =
                verifier(trust(), AT_LUNCH).verify(pass(test("", "2021-12-19T08:00:00Z")), KARAOKE);
        assertThat(unknown.verdict()).isEqualTo(Verdict.DENY);
        assertThat(unknown.reason()).isEqualTo(Reason.STATUS_NOT_PROVEN);
        assertThat(unknown.pass()).isPresent();

        // A positive test proves something: that the holder may not come in.
        VerificationResult positive =
                verifier(trust(), AT_LUNCH).verify(pass(test("260373001", "2021-12-19T08:00:00Z")), KARAOKE);
        assertThat(positive.reason()).isEqualTo(Reason.NOT_ACCEPTED_HERE);

        // Where the rules let an unvaccinated holder in under a condition, the same holds for this one.
        assertThat(verifier(trust(), AT_LUNCH)
                        .verify(pass(test("", "2021-12-19T08:00:00Z")), RESTAURANT)
                        .condition())
                .isPresent();
    }

    @Test
    void revocation_lists_in_the_bundle_refuse_what_they_list() throws Exception {
        String pass = pass(vaccination(2, 2, "2021-10-01"));
        DccRevocationList list = new DccRevocationList(
                ISSUER.kid(), HashType.UCI, Set.of(ByteBuffer.wrap(DccRevocations.hash("URN:UVCI:01DE/TEST/1"))));

        assertThat(verifier(trust().withDccRevocations(list), AT_LUNCH)
                        .verify(pass, RESTAURANT)
                        .reason())
                .isEqualTo(Reason.REVOKED);
        assertThat(verifier(trust(), AT_LUNCH).verify(pass, RESTAURANT).verdict())
                .isEqualTo(Verdict.CHECK_ID);
    }

    // --- the lists as trust material ---

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static ObjectNode listJson(String type, byte[]... hashes) {
        ObjectNode node =
                Json.MAPPER.createObjectNode().put("kid", b64(ISSUER.kid())).put("hashType", type);
        var array = node.putArray("hashes");
        for (byte[] hash : hashes) {
            array.add(b64(hash));
        }
        return node;
    }

    @Test
    void revocation_lists_survive_their_json_form_and_lists_of_one_key_and_type_join() {
        byte[] a = DccRevocations.hash("a");
        byte[] b = DccRevocations.hash("b");
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.putArray(ForeignTrust.DCC_REVOCATIONS)
                .add(listJson("UCI", a))
                .add(listJson("uci", b))
                .add(listJson("SIGNATURE", a));

        ForeignTrust trust = ForeignTrust.fromJson(json);
        assertThat(trust.dccRevocationLists()).hasSize(2);
        assertThat(trust.dccRevocationLists().getFirst().hashes()).hasSize(2);
        assertThat(ForeignTrust.fromJson(trust.toJson()).toJson()).isEqualTo(trust.toJson());
        assertThat(trust.merge(trust).toJson()).isEqualTo(trust.toJson());
    }

    @Test
    void a_bad_revocation_list_fails_an_operators_file_and_is_left_out_of_a_scanners_bundle() {
        byte[] shortHash = new byte[8];
        for (ObjectNode bad : new ObjectNode[] {
            listJson("UCI", shortHash),
            listJson("SHA1", DccRevocations.hash("a")),
            listJson("UCI", DccRevocations.hash("a"), DccRevocations.hash("a")),
            listJson("UCI").without("kid"),
        }) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.putArray(ForeignTrust.DCC_REVOCATIONS).add(bad);
            assertThatThrownBy(() -> ForeignTrust.fromJson(json))
                    .as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("dccRevocations[0]: ");
            assertThat(ForeignTrust.fromBundle(json).dccRevocationLists()).isEmpty();
        }
    }
}
