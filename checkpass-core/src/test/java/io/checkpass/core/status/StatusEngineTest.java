package io.checkpass.core.status;

import static io.checkpass.core.pass.PassStatus.*;
import static io.checkpass.core.registry.VaccineProduct.*;
import static io.checkpass.core.status.Person.kst;
import static io.checkpass.core.status.Person.midnight;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.rules.MedicalRules;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Walks real people across the Korean decrees: a second before and at each switch, day 14, day 180 and midnight. */
class StatusEngineTest {
    private static final StatusEngine ENGINE = new StatusEngine(MedicalRules.korea());
    private static final String BASELINE = "KR-MED-2021-11-01";
    private static final String VALIDITY = "KR-MED-2022-01-03";
    private static final Instant SWITCH = midnight(2022, 1, 3);
    private static final Instant LAST_SECOND_BEFORE_SWITCH = kst(2022, 1, 2, 23, 59, 59);
    /** The validity guidance week ends: lapsed vaccinations are refused from here. */
    private static final Instant GUIDANCE_END = midnight(2022, 1, 10);
    /** KR-MED-2022-02-03: professional rapid antigen negatives count. */
    private static final Instant RAPID_ANTIGEN_DECREE = midnight(2022, 2, 3);

    private static final String RAPID_ANTIGEN_DECREE_ID = "KR-MED-2022-02-03";

    private static StatusDecision decide(Person person, Instant at) {
        return ENGINE.decide(person.record(), at).orElseThrow();
    }

    /** Kim, 36, two Pfizer doses in spring 2021. */
    private static Person kim() {
        return Person.born("1985-03-02").dose(PFIZER, 1, "2021-05-11").dose(PFIZER, 2, "2021-06-01");
    }

    @Test
    void a_two_dose_adult_is_vaccinated_open_ended_before_the_switch() {
        StatusDecision d = decide(kim(), kst(2021, 12, 20, 12, 0, 0));
        assertThat(d.status()).isEqualTo(VACCINATED);
        assertThat(d.validFrom()).isEqualTo(midnight(2021, 6, 15));
        assertThat(d.validUntil()).isEmpty();
        assertThat(d.ruleSetId()).isEqualTo(BASELINE);
        assertThat(d.explanation().ko()).isEqualTo("2차 접종 후 14일 경과 (유효기간 없음)");
        assertThat(d.explanation().en()).isEqualTo("14 days after dose 2 (no expiry)");
        assertThat(d.nextChange()).contains(SWITCH);
    }

    @Test
    void a_two_dose_adult_from_mid_2021_is_valid_at_23_59_59_on_2_january_and_expired_at_midnight() {
        StatusDecision before = decide(kim(), LAST_SECOND_BEFORE_SWITCH);
        assertThat(before.status()).isEqualTo(VACCINATED);
        assertThat(before.validUntil()).isEmpty();

        // The guidance week (3–9 Jan): the lapsed vaccination is stated with its ended window, for the door's notice.
        StatusDecision guidance = decide(kim(), SWITCH);
        assertThat(guidance.status()).isEqualTo(VACCINATED);
        assertThat(guidance.statusAt(SWITCH)).isEqualTo(UNVACCINATED);
        assertThat(guidance.validUntil()).contains(midnight(2021, 11, 29));
        assertThat(guidance.explanation().ko()).startsWith("유효기간 만료 (계도기간: 2022-01-10부터 입장 제한)");
        assertThat(guidance.nextChange()).contains(GUIDANCE_END);

        StatusDecision after = decide(kim(), GUIDANCE_END);
        assertThat(after.status()).isEqualTo(UNVACCINATED);
        assertThat(after.validFrom()).isEqualTo(GUIDANCE_END);
        assertThat(after.validUntil()).isEmpty();
        assertThat(after.ruleSetId()).isEqualTo(VALIDITY);
        // Dose 2 on 1 June: day 180 after it is 28 November.
        assertThat(after.explanation().ko()).isEqualTo("만료: 2차 접종 후 14일 경과 (유효기간 2021-11-28까지)");
        assertThat(after.explanation().en()).isEqualTo("expired: 14 days after dose 2 (valid through 2021-11-28)");
        assertThat(after.nextChange()).contains(RAPID_ANTIGEN_DECREE);
    }

    /** The examples the health authority published, and the cut-off it announced: dose 2 on or before 6 July 2021. */
    @Test
    void the_published_day_180_examples_hold() {
        record Case(String dose2, Instant at, boolean vaccinated, Instant until) {}
        List<Case> cases = List.of(
                // KDCA: "2021-07-10 2차 접종 → 2022-01-06 24시까지 효력 인정"
                new Case("2021-07-10", kst(2022, 1, 6, 23, 59, 59), true, midnight(2022, 1, 7)),
                new Case("2021-07-10", midnight(2022, 1, 7), false, null),
                // 중대본 2021-12-16: "7월 6일 또는 그 전에 2차 접종을 받은 접종완료자는 1월 3일이면 유효기간이 끝난다"
                new Case("2021-07-06", LAST_SECOND_BEFORE_SWITCH, true, null),
                new Case("2021-07-06", SWITCH, false, null),
                new Case("2021-07-07", SWITCH, true, midnight(2022, 1, 4)),
                // 방대본 2022-01-04: earliest 2004-born, dose 2 on 8 Nov 2021 → "180일째가 되는 5월 7일까지" (here an adult)
                new Case("2021-11-08", kst(2022, 5, 7, 23, 59, 59), true, midnight(2022, 5, 8)),
                new Case("2021-11-08", midnight(2022, 5, 8), false, null));
        List<String> mismatches = new ArrayList<>();
        for (Case c : cases) {
            LocalDate dose2 = LocalDate.parse(c.dose2());
            Person person = Person.born("1980-01-01")
                    .dose(MODERNA, 1, dose2.minusDays(28).toString())
                    .dose(MODERNA, 2, c.dose2());
            StatusDecision d = decide(person, c.at());
            boolean vaccinated = d.statusAt(c.at()) == VACCINATED;
            if (vaccinated != c.vaccinated()
                    || (c.until() != null && !d.validUntil().equals(Optional.of(c.until())))) {
                mismatches.add(c + " -> " + d.status() + " until " + d.validUntil());
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void a_booster_on_20_december_carries_the_pass_across_the_switch_with_no_expiry() {
        Person boosted = kim().dose(PFIZER, 3, "2021-12-20");

        StatusDecision before = decide(boosted, LAST_SECOND_BEFORE_SWITCH);
        assertThat(before.status()).isEqualTo(VACCINATED);
        assertThat(before.validFrom()).isEqualTo(midnight(2021, 6, 15));
        assertThat(before.validUntil()).isEmpty();

        StatusDecision after = decide(boosted, SWITCH);
        assertThat(after.status()).isEqualTo(VACCINATED);
        assertThat(after.validFrom()).isEqualTo(midnight(2021, 12, 20));
        assertThat(after.validUntil()).isEmpty();
        assertThat(after.ruleSetId()).isEqualTo(VALIDITY);
        assertThat(after.explanation().ko()).isEqualTo("추가접종(3차) 2021-12-20 (유효기간 없음)");
        assertThat(after.nextChange()).contains(RAPID_ANTIGEN_DECREE);
    }

    @Test
    void a_booster_counts_from_00_00_of_its_own_day_even_after_expiry() {
        Person boostedLate = kim().dose(MODERNA, 3, "2022-01-05");
        Instant lastSecond = kst(2022, 1, 4, 23, 59, 59);
        assertThat(decide(boostedLate, lastSecond).statusAt(lastSecond)).isEqualTo(UNVACCINATED);
        assertThat(decide(boostedLate, kst(2022, 1, 4, 23, 59, 59)).nextChange())
                .contains(midnight(2022, 1, 5));
        StatusDecision d = decide(boostedLate, midnight(2022, 1, 5));
        assertThat(d.status()).isEqualTo(VACCINATED);
        assertThat(d.validFrom()).isEqualTo(midnight(2022, 1, 5));
        assertThat(d.validUntil()).isEmpty();
    }

    @Test
    void a_single_janssen_dose_completes_the_series_and_expires_on_day_180() {
        Person janssen = Person.born("1970-08-15").dose(JANSSEN, 1, "2021-06-10");
        StatusDecision december = decide(janssen, midnight(2021, 12, 1));
        assertThat(december.status()).isEqualTo(VACCINATED);
        assertThat(december.validFrom()).isEqualTo(midnight(2021, 6, 24));
        assertThat(december.explanation().ko()).startsWith("1차 접종 후 14일 경과");

        StatusDecision january = decide(janssen, GUIDANCE_END);
        assertThat(january.status()).isEqualTo(UNVACCINATED);
        assertThat(january.explanation().ko()).contains("유효기간 2021-12-07까지");
    }

    @Test
    void a_second_dose_after_janssen_is_a_booster() {
        Person janssen =
                Person.born("1970-08-15").dose(JANSSEN, 1, "2021-06-10").dose(PFIZER, 2, "2021-11-20");
        StatusDecision d = decide(janssen, SWITCH);
        assertThat(d.status()).isEqualTo(VACCINATED);
        assertThat(d.validFrom()).isEqualTo(midnight(2021, 11, 20));
        assertThat(d.validUntil()).isEmpty();
        assertThat(d.explanation().en()).isEqualTo("booster (dose 2) on 2021-11-20 (no expiry)");
    }

    @Test
    void before_day_14_the_person_is_unvaccinated_and_told_when_it_starts() {
        Person lee = Person.born("1990-04-04").dose(MODERNA, 1, "2021-11-27").dose(MODERNA, 2, "2021-12-25");

        StatusDecision waiting = decide(lee, kst(2022, 1, 7, 23, 59, 59));
        assertThat(waiting.status()).isEqualTo(UNVACCINATED);
        assertThat(waiting.validUntil()).isEmpty();
        assertThat(waiting.explanation().ko()).isEqualTo("접종 완료 인정 예정 (2022-01-08부터)");
        assertThat(waiting.explanation().en()).isEqualTo("Vaccinated from 2022-01-08");
        assertThat(waiting.nextChange()).contains(midnight(2022, 1, 8));

        StatusDecision day14 = decide(lee, midnight(2022, 1, 8));
        assertThat(day14.status()).isEqualTo(VACCINATED);
        assertThat(day14.validFrom()).isEqualTo(midnight(2022, 1, 8));
        // 25 Dec + 180 days = 23 Jun: valid through 24:00 that day.
        assertThat(day14.validUntil()).contains(midnight(2022, 6, 24));
        assertThat(day14.explanation().ko()).isEqualTo("2차 접종 후 14일 경과 (유효기간 2022-06-23까지)");
        assertThat(day14.nextChange()).contains(RAPID_ANTIGEN_DECREE);
    }

    @Test
    void waiting_for_day_14_across_the_switch_names_the_switch_as_the_next_change() {
        Person lee = Person.born("1990-04-04").dose(MODERNA, 1, "2021-11-27").dose(MODERNA, 2, "2021-12-25");
        StatusDecision d = decide(lee, midnight(2021, 12, 31));
        assertThat(d.status()).isEqualTo(UNVACCINATED);
        assertThat(d.ruleSetId()).isEqualTo(BASELINE);
        assertThat(d.nextChange()).contains(SWITCH);
    }

    @Test
    void a_17_year_old_is_a_minor_until_1_january_of_the_year_they_turn_19() {
        Person park = Person.born("2005-03-01").dose(PFIZER, 1, "2021-11-01").dose(PFIZER, 2, "2021-11-22");
        StatusDecision d = decide(park, kst(2022, 1, 10, 12, 0, 0));
        assertThat(d.status()).isEqualTo(MINOR);
        assertThat(d.validFrom()).isEqualTo(midnight(2005, 3, 1));
        assertThat(d.validUntil()).contains(midnight(2024, 1, 1));
        assertThat(d.explanation().ko()).isEqualTo("2005년생, 연 나이 19세 미만 (유효기간 2023-12-31까지)");
        assertThat(d.nextChange()).contains(RAPID_ANTIGEN_DECREE);
    }

    @Test
    void a_19_year_old_is_an_adult_whose_vaccination_expires() {
        Person choi = Person.born("2003-05-01").dose(PFIZER, 1, "2021-07-19").dose(PFIZER, 2, "2021-08-09");
        // Year-age 18 on the last second of 2021: a minor.
        StatusDecision lastOf2021 = decide(choi, kst(2021, 12, 31, 23, 59, 59));
        assertThat(lastOf2021.status()).isEqualTo(MINOR);
        assertThat(lastOf2021.validUntil()).contains(midnight(2022, 1, 1));
        // Year-age 19 from 1 January 2022: vaccinated, with no expiry until the switch ...
        StatusDecision newYear = decide(choi, midnight(2022, 1, 1));
        assertThat(newYear.status()).isEqualTo(VACCINATED);
        assertThat(newYear.validUntil()).isEmpty();
        // ... and then through day 180 after dose 2, as for every adult.
        StatusDecision afterSwitch = decide(choi, SWITCH);
        assertThat(afterSwitch.status()).isEqualTo(VACCINATED);
        assertThat(afterSwitch.validUntil()).contains(midnight(2022, 2, 6));
        assertThat(decide(choi, midnight(2022, 2, 6)).status()).isEqualTo(UNVACCINATED);
    }

    @Test
    void a_negative_pcr_counts_until_24_00_of_the_day_its_48_hours_end() {
        Person jung = Person.born("1980-02-02").negativePcr(kst(2021, 12, 13, 10, 0, 0));
        StatusDecision early = decide(jung, kst(2021, 12, 13, 9, 59, 59));
        assertThat(early.status()).isEqualTo(UNVACCINATED);
        assertThat(early.explanation().ko()).isEqualTo("PCR 음성 인정 예정 (2021-12-13 10:00부터)");

        StatusDecision reported = decide(jung, kst(2021, 12, 13, 10, 0, 0));
        assertThat(reported.status()).isEqualTo(TESTED);
        assertThat(reported.validFrom()).isEqualTo(kst(2021, 12, 13, 10, 0, 0));
        assertThat(reported.validUntil()).contains(midnight(2021, 12, 16));
        assertThat(reported.explanation().ko()).isEqualTo("PCR 음성, 2021-12-13 10:00 통보 (유효기간 2021-12-15까지)");

        assertThat(decide(jung, kst(2021, 12, 15, 23, 59, 59)).status()).isEqualTo(TESTED);
        assertThat(decide(jung, midnight(2021, 12, 16)).status()).isEqualTo(UNVACCINATED);
    }

    @Test
    void a_pcr_reported_at_midnight_ends_at_midnight_48_hours_later() {
        Person jung = Person.born("1980-02-02").negativePcr(midnight(2021, 12, 13));
        assertThat(decide(jung, kst(2021, 12, 14, 23, 59, 59)).validUntil()).contains(midnight(2021, 12, 15));
        assertThat(decide(jung, midnight(2021, 12, 15)).status()).isEqualTo(UNVACCINATED);
        Person lateNight = Person.born("1980-02-02").negativePcr(kst(2021, 12, 13, 23, 30, 0));
        assertThat(decide(lateNight, kst(2021, 12, 15, 23, 59, 59)).validUntil())
                .contains(midnight(2021, 12, 16));
    }

    @Test
    void rapid_antigen_and_positive_results_give_no_pass() {
        Instant reported = kst(2021, 12, 13, 10, 0, 0);
        Person antigen = Person.born("1980-02-02").test(reported, TestRecord.Kind.RAPID_ANTIGEN, false);
        Person positive = Person.born("1980-02-02").test(reported, TestRecord.Kind.PCR, true);
        for (Person person : List.of(antigen, positive)) {
            StatusDecision d = decide(person, reported.plusSeconds(60));
            assertThat(d.status()).isEqualTo(UNVACCINATED);
            assertThat(d.explanation().en())
                    .isEqualTo("no vaccination, test, recovery or exemption record that counts");
        }
    }

    @Test
    void from_3_february_2022_a_professional_rapid_antigen_negative_counts_for_24_hours() {
        Instant reported = kst(2022, 2, 3, 10, 0, 0);
        Person antigen = Person.born("1980-02-02").test(reported, TestRecord.Kind.RAPID_ANTIGEN, false);
        StatusDecision d = decide(antigen, reported.plusSeconds(60));
        assertThat(d.status()).isEqualTo(TESTED);
        assertThat(d.ruleSetId()).isEqualTo(RAPID_ANTIGEN_DECREE_ID);
        assertThat(d.validUntil()).contains(reported.plus(java.time.Duration.ofHours(24)));
        assertThat(decide(antigen, reported.plus(java.time.Duration.ofHours(24)))
                        .status())
                .isEqualTo(UNVACCINATED);
        // The same result a day earlier, under the rules before the decree, gives no pass.
        Instant dayBefore = kst(2022, 2, 2, 10, 0, 0);
        Person early = Person.born("1980-02-02").test(dayBefore, TestRecord.Kind.RAPID_ANTIGEN, false);
        assertThat(decide(early, dayBefore.plusSeconds(60)).status()).isEqualTo(UNVACCINATED);
    }

    @Test
    void a_recovery_counts_through_day_180_after_release() {
        Person han = Person.born("1975-07-07").released("2021-12-01");
        StatusDecision lastSecond = decide(han, kst(2022, 5, 30, 23, 59, 59));
        assertThat(lastSecond.status()).isEqualTo(RECOVERED);
        assertThat(lastSecond.validFrom()).isEqualTo(midnight(2021, 12, 1));
        assertThat(lastSecond.validUntil()).contains(midnight(2022, 5, 31));
        assertThat(lastSecond.explanation().ko()).isEqualTo("격리해제 2021-12-01 (유효기간 2022-05-30까지)");
        assertThat(decide(han, midnight(2022, 5, 31)).status()).isEqualTo(UNVACCINATED);
    }

    @Test
    void an_exemption_holds_from_its_first_day_through_its_last() {
        Person yoon =
                Person.born("1960-10-10").dose(ASTRAZENECA, 1, "2021-05-20").exempt("2021-12-10", "2022-01-31");
        assertThat(decide(yoon, kst(2021, 12, 9, 23, 59, 59)).status()).isEqualTo(UNVACCINATED);
        assertThat(decide(yoon, midnight(2021, 12, 10)).status()).isEqualTo(EXEMPT);
        StatusDecision lastDay = decide(yoon, kst(2022, 1, 31, 23, 59, 59));
        assertThat(lastDay.status()).isEqualTo(EXEMPT);
        assertThat(lastDay.validUntil()).contains(midnight(2022, 2, 1));
        StatusDecision after = decide(yoon, midnight(2022, 2, 1));
        assertThat(after.status()).isEqualTo(UNVACCINATED);
        assertThat(after.explanation().ko()).startsWith("만료: 의학적 사유 예외");
    }

    @Test
    void a_recovery_lifts_the_expiry_of_a_completed_series_from_the_switch() {
        Person infectedAfter = kim().released("2021-10-01");
        StatusDecision d = decide(infectedAfter, SWITCH);
        assertThat(d.status()).isEqualTo(VACCINATED);
        assertThat(d.validFrom()).isEqualTo(midnight(2021, 10, 1));
        assertThat(d.validUntil()).isEmpty();
        assertThat(d.explanation().ko()).isEqualTo("2차 접종 후 14일 경과, 격리해제 2021-10-01 감염 이력으로 유효기간 없음");

        Person infectedBefore = kim().released("2021-03-01");
        StatusDecision e = decide(infectedBefore, SWITCH);
        assertThat(e.status()).isEqualTo(VACCINATED);
        assertThat(e.validFrom()).isEqualTo(midnight(2021, 6, 15));
        assertThat(e.validUntil()).isEmpty();
    }

    @Test
    void a_minor_stays_a_minor_whatever_else_holds() {
        Person teen = Person.born("2006-06-06")
                .dose(PFIZER, 1, "2021-11-01")
                .dose(PFIZER, 2, "2021-11-22")
                .negativePcr(kst(2022, 1, 9, 9, 0, 0))
                .released("2021-09-01");
        assertThat(decide(teen, kst(2022, 1, 10, 12, 0, 0)).status()).isEqualTo(MINOR);
    }

    @Test
    void the_status_that_ends_last_wins() {
        Instant at = kst(2021, 12, 14, 12, 0, 0);
        // Open-ended vaccination beats a recovery that ends.
        assertThat(decide(kim().released("2021-12-01"), at).status()).isEqualTo(VACCINATED);
        // A recovery through 30 May beats an exemption through 31 January.
        Person both = Person.born("1975-07-07").released("2021-12-01").exempt("2021-12-10", "2022-01-31");
        assertThat(decide(both, at).status()).isEqualTo(RECOVERED);
        // A PCR (through 15 Dec) loses to an exemption through 31 January.
        Person pcrAndExempt = Person.born("1975-07-07")
                .negativePcr(kst(2021, 12, 13, 10, 0, 0))
                .exempt("2021-12-10", "2022-01-31");
        assertThat(decide(pcrAndExempt, at).status()).isEqualTo(EXEMPT);
        // A PCR through 15 Dec beats an exemption that ends on 14 Dec.
        Person shortExemption = Person.born("1975-07-07")
                .negativePcr(kst(2021, 12, 13, 10, 0, 0))
                .exempt("2021-12-10", "2021-12-14");
        StatusDecision d = decide(shortExemption, at);
        assertThat(d.status()).isEqualTo(TESTED);
        assertThat(d.nextChange()).contains(midnight(2021, 12, 16));
    }

    @Test
    void on_the_same_end_recovered_beats_exempt_and_exempt_beats_tested() {
        Instant at = kst(2021, 12, 14, 12, 0, 0);
        // Recovery released 1 Dec 2021 ends with 30 May 2022; so does this exemption.
        Person recoveredAndExempt =
                Person.born("1975-07-07").released("2021-12-01").exempt("2021-12-10", "2022-05-30");
        assertThat(decide(recoveredAndExempt, at).status()).isEqualTo(RECOVERED);
        // A PCR of 13 Dec 10:00 ends with 15 Dec; so does this exemption.
        Person exemptAndTested = Person.born("1975-07-07")
                .negativePcr(kst(2021, 12, 13, 10, 0, 0))
                .exempt("2021-12-10", "2021-12-15");
        assertThat(decide(exemptAndTested, at).status()).isEqualTo(EXEMPT);
    }

    @Test
    void on_the_same_end_vaccinated_beats_recovered() {
        // Under a decree where a recovery leaves the expiry in place, dose 2 and release on the same day end together.
        ObjectNode document = (ObjectNode) MedicalRules.korea().document();
        ((ObjectNode) document.withArray("ruleSets").get(1).get("parameters")).put("recoveryRemovesExpiry", false);
        StatusEngine engine = new StatusEngine(MedicalRules.fromDocument(document));
        HealthRecord record = Person.born("1975-07-07")
                .dose(PFIZER, 1, "2021-11-10")
                .dose(PFIZER, 2, "2021-12-01")
                .released("2021-12-01")
                .record();
        StatusDecision d = engine.decide(record, midnight(2022, 1, 10)).orElseThrow();
        assertThat(d.status()).isEqualTo(VACCINATED);
        assertThat(d.validUntil()).contains(midnight(2022, 5, 31));
    }

    @Test
    void a_decree_changes_data_not_code() {
        ObjectNode document = (ObjectNode) MedicalRules.korea().document();
        ((ObjectNode) document.withArray("ruleSets").get(1).get("parameters")).put("validityDays", 90);
        StatusEngine engine = new StatusEngine(MedicalRules.fromDocument(document));
        HealthRecord record = Person.born("1975-07-07")
                .dose(PFIZER, 1, "2021-11-10")
                .dose(PFIZER, 2, "2021-12-01")
                .record();
        assertThat(engine.decide(record, midnight(2022, 1, 10)).orElseThrow().validUntil())
                .contains(midnight(2022, 3, 2));
        assertThat(ENGINE.decide(record, midnight(2022, 1, 10)).orElseThrow().validUntil())
                .contains(midnight(2022, 5, 31));
    }

    @Test
    void before_the_first_decree_there_is_nothing_to_decide() {
        assertThat(ENGINE.decide(kim().record(), kst(2021, 10, 31, 23, 59, 59))).isEmpty();
        assertThat(ENGINE.decide(kim().record(), midnight(2021, 11, 1)))
                .map(StatusDecision::ruleSetId)
                .contains(BASELINE);
    }
}
