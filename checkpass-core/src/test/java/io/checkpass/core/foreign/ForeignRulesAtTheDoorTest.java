package io.checkpass.core.foreign;

import static io.checkpass.core.PassFixture.KARAOKE;
import static io.checkpass.core.foreign.ForeignFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.PassFixture;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.ForeignFixtures.KidIn;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.Verdict;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Foreign passes decided by the Korean medical rules the signed bundle carries, at real instants (KST) through the
 * verifier: 14 days after the primary series, 180 days of validity from 3 Jan 2022 and the booster, a PCR for 48 hours
 * to midnight, rapid antigen tests from 3 Feb 2022, recovery for 180 days, and the accepted vaccines as data. At a
 * karaoke bar, which asks for a pass throughout.
 */
class ForeignRulesAtTheDoorTest {
    static final DccIssuer ISSUER = dccIssuer();

    static Instant kst(int year, int month, int day, int hour, int minute, int second) {
        return OffsetDateTime.of(year, month, day, hour, minute, second, 0, ZoneOffset.ofHours(9))
                .toInstant();
    }

    /** The DCC, issued a day before {@code at}, shown at a karaoke bar at {@code at}. */
    static VerificationResult atKaraoke(ObjectNode dgc, Instant at) throws Exception {
        String pass = hc1(cose(
                ISSUER,
                ISSUER.kid(),
                KidIn.PROTECTED,
                cwt(dgc, at.minus(Duration.ofDays(1)), at.plus(Duration.ofDays(180)))));
        return ForeignTrustTest.verifier(ForeignTrust.empty().withDccSigner(ISSUER.certificate()), at)
                .verify(pass, KARAOKE);
    }

    static ObjectNode withEntry(ObjectNode dgc, String kind, String field, String value) {
        ((ObjectNode) dgc.path(kind).get(0)).put(field, value);
        return dgc;
    }

    @Test
    void a_foreign_vaccination_counts_from_day_14_after_the_primary_series_at_00_00_kst() throws Exception {
        ObjectNode dose2 = vaccination(2, 2, "2021-11-20");

        VerificationResult day13 = atKaraoke(dose2, kst(2021, 12, 3, 23, 59, 59));
        assertThat(day13.verdict()).isEqualTo(Verdict.DENY);
        assertThat(day13.reason()).isEqualTo(Reason.NOT_YET_VALID);
        assertThat(day13.pass().orElseThrow().statusValidFrom()).isEqualTo(kst(2021, 12, 4, 0, 0, 0));

        VerificationResult day14 = atKaraoke(dose2, kst(2021, 12, 4, 0, 0, 0));
        assertThat(day14.verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(day14.pass().orElseThrow().status()).isEqualTo(PassStatus.VACCINATED);
    }

    @Test
    void from_3_jan_2022_the_primary_series_counts_through_day_180_and_expires_on_day_181() throws Exception {
        ObjectNode dose2 = vaccination(2, 2, "2021-07-20");

        VerificationResult day180 = atKaraoke(dose2, kst(2022, 1, 16, 23, 59, 59));
        assertThat(day180.verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(day180.pass().orElseThrow().statusValidUntil()).contains(kst(2022, 1, 17, 0, 0, 0));

        VerificationResult day181 = atKaraoke(dose2, kst(2022, 1, 17, 0, 0, 0));
        assertThat(day181.verdict()).isEqualTo(Verdict.DENY);
        assertThat(day181.reason()).isEqualTo(Reason.STATUS_EXPIRED);
    }

    @Test
    void day_181_in_the_guidance_week_is_admitted_with_its_notice() throws Exception {
        // The KDCA example: dose 2 on 10 Jul 2021 counts through 6 Jan 2022; the week to 10 Jan only warns.
        ObjectNode dose2 = vaccination(2, 2, "2021-07-10");

        assertThat(atKaraoke(dose2, kst(2022, 1, 6, 23, 59, 59)).reason()).isEqualTo(Reason.ID_CHECK_REQUIRED);
        assertThat(atKaraoke(dose2, kst(2022, 1, 7, 0, 0, 0)).reason()).isEqualTo(Reason.GUIDANCE_PERIOD);
        assertThat(atKaraoke(dose2, kst(2022, 1, 10, 0, 0, 0)).reason()).isEqualTo(Reason.STATUS_EXPIRED);
    }

    @Test
    void from_3_jan_2022_a_booster_counts_at_once_with_no_expiry() throws Exception {
        assertThat(atKaraoke(vaccination(3, 3, "2021-08-01"), kst(2022, 2, 20, 12, 0, 0))
                        .verdict())
                .isEqualTo(Verdict.CHECK_ID);
        assertThat(atKaraoke(vaccination(3, 2, "2022-01-20"), kst(2022, 1, 20, 0, 0, 0))
                        .verdict())
                .isEqualTo(Verdict.CHECK_ID);
        // Before 3 Jan 2022 the rules told no booster apart: the dose the DCC names counts from 14 days after it.
        assertThat(atKaraoke(vaccination(3, 2, "2021-12-01"), kst(2021, 12, 13, 12, 0, 0))
                        .reason())
                .isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void a_pcr_counts_48_hours_from_the_sample_to_24_00_of_the_day_they_end() throws Exception {
        Instant late = kst(2022, 1, 20, 23, 30, 0);
        ObjectNode pcr = test("260415000", late.toString());

        assertThat(atKaraoke(pcr, late.plus(Duration.ofHours(47))).verdict()).isEqualTo(Verdict.CHECK_ID);
        VerificationResult at49 = atKaraoke(pcr, late.plus(Duration.ofHours(49)));
        assertThat(at49.reason()).isEqualTo(Reason.STATUS_EXPIRED);
        assertThat(at49.pass().orElseThrow().statusValidUntil()).contains(kst(2022, 1, 23, 0, 0, 0));

        // Sampled in the morning, the same 49 hours fall before that day's midnight.
        Instant morning = kst(2022, 1, 20, 10, 0, 0);
        ObjectNode early = test("260415000", morning.toString());
        assertThat(atKaraoke(early, morning.plus(Duration.ofHours(49))).verdict())
                .isEqualTo(Verdict.CHECK_ID);
        assertThat(atKaraoke(early, kst(2022, 1, 23, 0, 0, 0)).reason()).isEqualTo(Reason.STATUS_EXPIRED);
    }

    @Test
    void a_rapid_antigen_test_counts_only_from_the_decree_of_3_feb_2022_for_24_hours() throws Exception {
        Instant before = kst(2022, 2, 2, 12, 0, 0);
        VerificationResult refused = atKaraoke(
                withEntry(test("260415000", before.toString()), "t", "tt", "LP217198-3"), before.plusSeconds(3600));
        assertThat(refused.reason()).isEqualTo(Reason.NOT_ACCEPTED_HERE);

        Instant from = kst(2022, 2, 3, 12, 0, 0);
        ObjectNode rat = withEntry(test("260415000", from.toString()), "t", "tt", "LP217198-3");
        assertThat(atKaraoke(rat, from.plus(Duration.ofHours(23))).verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(atKaraoke(rat, from.plus(Duration.ofHours(25))).reason()).isEqualTo(Reason.STATUS_EXPIRED);
    }

    @Test
    void a_test_of_another_type_proves_nothing() throws Exception {
        Instant at = kst(2022, 2, 3, 12, 0, 0);
        ObjectNode antibody = withEntry(test("260415000", at.toString()), "t", "tt", "LP-ANTIBODY");
        assertThat(atKaraoke(antibody, at.plusSeconds(60)).reason()).isEqualTo(Reason.STATUS_NOT_PROVEN);
    }

    @Test
    void a_recovery_counts_180_days_from_its_first_valid_day_whatever_the_issuer_wrote() throws Exception {
        ObjectNode recovered = recovery("2021-08-01", "2022-08-01");
        assertThat(atKaraoke(recovered, kst(2022, 1, 28, 23, 59, 59)).verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(atKaraoke(recovered, kst(2022, 1, 29, 0, 0, 0)).reason()).isEqualTo(Reason.STATUS_EXPIRED);
    }

    @Test
    void which_vaccines_count_and_how_many_doses_each_needs_is_data() throws Exception {
        Instant at = kst(2022, 1, 20, 12, 0, 0);
        assertThat(atKaraoke(withEntry(vaccination(2, 2, "2021-12-01"), "v", "mp", "BBIBP-CorV"), at)
                        .verdict())
                .isEqualTo(Verdict.CHECK_ID);
        assertThat(atKaraoke(withEntry(vaccination(1, 1, "2021-12-01"), "v", "mp", "EU/1/20/1525"), at)
                        .verdict())
                .isEqualTo(Verdict.CHECK_ID);
        // One dose of a two-dose vaccine is not a series, whatever the issuer's sd says.
        assertThat(atKaraoke(vaccination(1, 1, "2021-12-01"), at).reason()).isEqualTo(Reason.NOT_ACCEPTED_HERE);
        assertThat(atKaraoke(withEntry(vaccination(2, 2, "2021-12-01"), "v", "mp", "Sputnik-V"), at)
                        .reason())
                .isEqualTo(Reason.STATUS_NOT_PROVEN);
    }

    @Test
    void a_holder_born_within_the_minor_age_is_a_minor_by_year_age() throws Exception {
        ObjectNode child = vaccination(1, 2, "2021-12-01").put("dob", "2010-05-05");
        VerificationResult result = atKaraoke(child, kst(2022, 1, 20, 12, 0, 0));
        assertThat(result.verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(result.pass().orElseThrow().status()).isEqualTo(PassStatus.MINOR);
    }

    @Test
    void a_bundle_without_medical_rules_refuses_every_foreign_pass_and_carries_them_when_it_has_them()
            throws Exception {
        Instant at = kst(2022, 1, 20, 12, 0, 0);
        TrustBundle old = new TrustBundle(
                1,
                at,
                List.of(PassFixture.issuerKey()),
                Set.of(),
                PassFixture.KOREA,
                ForeignTrust.empty().withDccSigner(ISSUER.certificate()).toJson());
        TrustBundle received = TrustBundles.open(
                        TrustBundles.sign(old, PassFixture.BUNDLE_KEY, ForeignFixtures.ES256),
                        Optional.empty(),
                        ForeignFixtures.ES256)
                .bundle();
        assertThat(received.medicalRules()).isEmpty();
        PassVerifier verifier = new PassVerifier(
                received,
                ForeignFixtures.ES256,
                Clock.fixed(at, ZoneOffset.UTC),
                VerifierPolicy.DEFAULT,
                ForeignFormats.all(ForeignFixtures.ES256));
        String pass =
                hc1(cose(ISSUER, ISSUER.kid(), KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), SIGNED, EXPIRES)));
        assertThat(verifier.verify(pass, KARAOKE).reason()).isEqualTo(Reason.NO_MEDICAL_RULES);

        TrustBundle carried = TrustBundles.open(
                        TrustBundles.sign(
                                old.withMedicalRules(MedicalRules.korea()),
                                PassFixture.BUNDLE_KEY,
                                ForeignFixtures.ES256),
                        Optional.empty(),
                        ForeignFixtures.ES256)
                .bundle();
        assertThat(carried.medicalRules().orElseThrow().document())
                .isEqualTo(MedicalRules.korea().document());
        assertThat(carried.medicalRules().orElseThrow().vaccineProducts().byDccCode("EU/1/20/1528"))
                .isPresent();
    }
}
