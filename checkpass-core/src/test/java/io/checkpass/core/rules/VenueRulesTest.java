package io.checkpass.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.pass.PassStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Walks real instants across each Korean decree, a second before and at the switch. */
class VenueRulesTest {
    private static final VenueRules KOREA = VenueRules.korea();
    private static final VenueType RESTAURANT = new VenueType("restaurant_cafe");
    private static final VenueType LARGE_STORE = new VenueType("large_store");
    private static final VenueType LIBRARY = new VenueType("library");
    private static final VenueType KARAOKE = new VenueType("karaoke");

    private static Instant kst(int year, int month, int day, int hour, int minute, int second) {
        return OffsetDateTime.of(year, month, day, hour, minute, second, 0, ZoneOffset.ofHours(9))
                .toInstant();
    }

    private static VenueDecision decide(VenueType type, PassStatus status, Instant at) {
        return KOREA.decide(type, status, at);
    }

    @Test
    void before_1_november_2021_no_pass_is_required_anywhere() {
        Instant before = kst(2021, 10, 31, 23, 59, 59);
        assertThat(decide(KARAOKE, PassStatus.UNVACCINATED, before)).isInstanceOf(VenueDecision.NotRequired.class);
        assertThat(KOREA.inForceAt(before)).isEmpty();
    }

    @Test
    void from_1_november_2021_five_high_risk_types_inpatient_visits_and_events_need_a_pass_after_a_guidance_week() {
        Instant first = kst(2021, 11, 1, 0, 0, 0);
        Instant lastGuidanceSecond = kst(2021, 11, 7, 23, 59, 59);
        Instant enforced = kst(2021, 11, 8, 0, 0, 0);
        assertThat(KOREA.inForceAt(first).orElseThrow().passRequired())
                .extracting(VenueType::code)
                .containsExactlyInAnyOrder(
                        "entertainment",
                        "karaoke",
                        "indoor_sports",
                        "bathhouse",
                        "betting_casino",
                        "hospital_visit",
                        "event_100_499");
        var guidance = (VenueDecision.AdmitDuringGuidance)
                KOREA.decide(KARAOKE, PassStatus.UNVACCINATED, false, lastGuidanceSecond);
        assertThat(guidance.notice().ko()).contains("11월 8일부터");
        assertThat(guidance.enforcedFrom()).isEqualTo(enforced);
        assertThat(KOREA.decide(KARAOKE, PassStatus.UNVACCINATED, false, enforced))
                .isInstanceOf(VenueDecision.NotAccepted.class);
        assertThat(KOREA.decide(RESTAURANT, PassStatus.UNVACCINATED, false, first))
                .isInstanceOf(VenueDecision.NotRequired.class);
        // Inpatient visits had no guidance week.
        assertThat(KOREA.decide(new VenueType("hospital_visit"), PassStatus.UNVACCINATED, false, first))
                .isInstanceOf(VenueDecision.NotAccepted.class);
        assertThat(KOREA.decide(new VenueType("event_100_499"), PassStatus.TESTED, false, first))
                .isInstanceOf(VenueDecision.Admit.class);
    }

    @Test
    void from_6_december_16_types_with_a_guidance_week_for_the_new_ones_until_fines_on_13_december() {
        Instant guidanceWeek = kst(2021, 12, 12, 23, 59, 59);
        assertThat(KOREA.inForceAt(guidanceWeek).orElseThrow().id()).isEqualTo("KR-2021-12-06");
        var newType = (VenueDecision.AdmitDuringGuidance)
                KOREA.decide(new VenueType("pc_cafe"), PassStatus.UNVACCINATED, false, guidanceWeek);
        assertThat(newType.notice().en()).contains("13 Dec");
        // Karaoke needed a pass since November: no guidance for it.
        assertThat(KOREA.decide(KARAOKE, PassStatus.UNVACCINATED, false, guidanceWeek))
                .isInstanceOf(VenueDecision.NotAccepted.class);
        // The party rule applies from the start; guidance only softens refusals.
        assertThat(KOREA.decide(RESTAURANT, PassStatus.UNVACCINATED, false, guidanceWeek))
                .isInstanceOf(VenueDecision.AdmitWithCondition.class);
        assertThat(KOREA.decide(new VenueType("pc_cafe"), PassStatus.UNVACCINATED, false, kst(2021, 12, 13, 0, 0, 0)))
                .isInstanceOf(VenueDecision.NotAccepted.class);
    }

    @Test
    void in_the_validity_guidance_week_only_a_lapsed_status_is_admitted_with_a_notice() {
        Instant week = kst(2022, 1, 9, 23, 59, 59);
        var lapsed = (VenueDecision.AdmitDuringGuidance) KOREA.decide(KARAOKE, PassStatus.UNVACCINATED, true, week);
        assertThat(lapsed.notice().ko()).contains("1월 10일부터");
        assertThat(KOREA.decide(KARAOKE, PassStatus.UNVACCINATED, false, week))
                .isInstanceOf(VenueDecision.NotAccepted.class);
        assertThat(KOREA.decide(KARAOKE, PassStatus.UNVACCINATED, true, kst(2022, 1, 10, 0, 0, 0)))
                .isInstanceOf(VenueDecision.NotAccepted.class);
    }

    @Test
    void a_temporary_set_lapses_and_the_set_before_it_applies_again() {
        ObjectNode document = (ObjectNode) KOREA.document();
        ObjectNode emergency = ((ObjectNode) document.withArray("ruleSets").get(2)).deepCopy();
        emergency.put("id", "KR-2021-12-13-EMERGENCY");
        emergency.put("effectiveFrom", "2021-12-13T13:00:00+09:00");
        emergency.put("until", "2021-12-14T00:00:00+09:00");
        emergency
                .putArray("guidance")
                .addObject()
                .put("until", "2021-12-14T00:00:00+09:00")
                .putObject("notice")
                .put("ko", "오늘은 방역패스 위반에 과태료를 부과하지 않습니다")
                .put("en", "Not enforced today");
        document.withArray("ruleSets").add(emergency);
        VenueRules rules = VenueRules.fromDocument(document);
        assertThat(rules.decide(KARAOKE, PassStatus.UNVACCINATED, false, kst(2021, 12, 13, 12, 59, 59)))
                .isInstanceOf(VenueDecision.NotAccepted.class);
        assertThat(rules.decide(KARAOKE, PassStatus.UNVACCINATED, false, kst(2021, 12, 13, 13, 0, 0)))
                .isInstanceOf(VenueDecision.AdmitDuringGuidance.class);
        assertThat(rules.inForceAt(kst(2021, 12, 14, 0, 0, 0)).orElseThrow().id())
                .isEqualTo("KR-2021-12-13");
        assertThat(rules.decide(KARAOKE, PassStatus.UNVACCINATED, false, kst(2021, 12, 14, 0, 0, 0)))
                .isInstanceOf(VenueDecision.NotAccepted.class);
    }

    @Test
    void from_13_december_restaurants_admit_one_unvaccinated_person_per_party() {
        Instant at = kst(2021, 12, 13, 0, 0, 0);
        assertThat(KOREA.inForceAt(at).orElseThrow().id()).isEqualTo("KR-2021-12-13");
        assertThat(decide(RESTAURANT, PassStatus.VACCINATED, at)).isInstanceOf(VenueDecision.Admit.class);
        var limited = (VenueDecision.AdmitWithCondition) decide(RESTAURANT, PassStatus.UNVACCINATED, at);
        assertThat(limited.condition().id()).isEqualTo("party_one_unvaccinated");
        assertThat(limited.condition().text().ko()).contains("1명");
        assertThat(limited.condition().text().en()).contains("one unvaccinated person per party");
        assertThat(decide(KARAOKE, PassStatus.UNVACCINATED, at)).isInstanceOf(VenueDecision.NotAccepted.class);
        assertThat(decide(KARAOKE, PassStatus.MINOR, at)).isInstanceOf(VenueDecision.Admit.class);
    }

    @Test
    void from_18_december_unvaccinated_people_may_only_eat_alone() {
        var before = (VenueDecision.AdmitWithCondition)
                decide(RESTAURANT, PassStatus.UNVACCINATED, kst(2021, 12, 17, 23, 59, 59));
        var after = (VenueDecision.AdmitWithCondition)
                decide(RESTAURANT, PassStatus.UNVACCINATED, kst(2021, 12, 18, 0, 0, 0));
        assertThat(before.condition().id()).isEqualTo("party_one_unvaccinated");
        assertThat(after.condition().id()).isEqualTo("alone_only");
        assertThat(after.condition().text().en()).isEqualTo("Unvaccinated: may only eat alone");
    }

    @Test
    void from_10_january_2022_large_stores_require_the_pass() {
        assertThat(decide(LARGE_STORE, PassStatus.UNVACCINATED, kst(2022, 1, 9, 23, 59, 59)))
                .isInstanceOf(VenueDecision.NotRequired.class);
        assertThat(decide(LARGE_STORE, PassStatus.UNVACCINATED, kst(2022, 1, 10, 0, 0, 0)))
                .isInstanceOf(VenueDecision.NotAccepted.class);
        assertThat(decide(LARGE_STORE, PassStatus.TESTED, kst(2022, 1, 10, 0, 0, 0)))
                .isInstanceOf(VenueDecision.Admit.class);
    }

    @Test
    void from_18_january_six_venue_types_are_released() {
        Instant before = kst(2022, 1, 17, 23, 59, 59);
        Instant after = kst(2022, 1, 18, 0, 0, 0);
        for (String code :
                new String[] {"academy", "study_cafe", "museum", "library", "cinema_theatre", "large_store"}) {
            VenueType type = new VenueType(code);
            assertThat(decide(type, PassStatus.UNVACCINATED, before))
                    .as(code)
                    .isInstanceOf(VenueDecision.NotAccepted.class);
            assertThat(decide(type, PassStatus.UNVACCINATED, after))
                    .as(code)
                    .isInstanceOf(VenueDecision.NotRequired.class);
        }
        // 11 venue types, with inpatient visits and events of 100–499.
        assertThat(KOREA.inForceAt(after).orElseThrow().passRequired()).hasSize(13);
        assertThat(decide(KARAOKE, PassStatus.UNVACCINATED, after)).isInstanceOf(VenueDecision.NotAccepted.class);
    }

    @Test
    void from_1_march_2022_the_pass_is_suspended() {
        assertThat(decide(KARAOKE, PassStatus.UNVACCINATED, kst(2022, 2, 28, 23, 59, 59)))
                .isInstanceOf(VenueDecision.NotAccepted.class);
        assertThat(decide(KARAOKE, PassStatus.UNVACCINATED, kst(2022, 3, 1, 0, 0, 0)))
                .isInstanceOf(VenueDecision.NotRequired.class);
        assertThat(decide(RESTAURANT, PassStatus.UNVACCINATED, kst(2022, 3, 1, 0, 0, 0)))
                .isInstanceOf(VenueDecision.NotRequired.class);
    }

    @Test
    void the_document_form_round_trips() {
        VenueRules copy = VenueRules.fromDocument(KOREA.document());
        assertThat(copy.ruleSets()).isEqualTo(KOREA.ruleSets());
        assertThat(copy.venueTypes()).isEqualTo(KOREA.venueTypes());
        assertThat(LIBRARY.code()).isEqualTo("library");
    }

    @Test
    void a_rule_set_naming_an_unknown_venue_type_is_rejected_with_its_id() {
        ObjectNode document = (ObjectNode) KOREA.document();
        ((ObjectNode) document.withArray("ruleSets").get(0))
                .withArray("passRequired")
                .add("bowling");
        assertThatThrownBy(() -> VenueRules.fromDocument(document))
                .isInstanceOf(RulesFormatException.class)
                .hasMessageContaining("KR-2021-11-01")
                .hasMessageContaining("bowling");
    }

    @Test
    void a_date_without_an_offset_is_rejected_with_the_fix() throws Exception {
        ObjectNode document = (ObjectNode) KOREA.document();
        ((ObjectNode) document.withArray("ruleSets").get(3)).put("effectiveFrom", "2021-12-18");
        assertThatThrownBy(() -> VenueRules.fromDocument(document))
                .hasMessageContaining("KR-2021-12-18")
                .hasMessageContaining("2021-12-13T00:00:00+09:00");
        assertThat(new ObjectMapper().writeValueAsString(KOREA.document())).contains("alone_only");
    }
}
