package io.checkpass.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MedicalRulesTest {
    private static final MedicalRules KOREA = MedicalRules.korea();

    /** The Korean rules with one change to the 3 Jan 2022 set's parameters. */
    private static ObjectNode withValidityParameters(Consumer<ObjectNode> change) {
        ObjectNode document = (ObjectNode) KOREA.document();
        change.accept((ObjectNode) document.withArray("ruleSets").get(1).get("parameters"));
        return document;
    }

    @Test
    void the_korean_rules_ship_a_baseline_and_the_3_january_2022_validity_rules() {
        assertThat(KOREA.zone()).isEqualTo(ZoneId.of("Asia/Seoul"));
        assertThat(KOREA.ruleSets())
                .extracting(MedicalRuleSet::id)
                .containsExactly("KR-MED-2021-11-01", "KR-MED-2022-01-03", "KR-MED-2022-02-03");
        assertThat(KOREA.ruleSets())
                .extracting(MedicalRuleSet::effectiveFrom)
                .containsExactly(
                        OffsetDateTime.parse("2021-11-01T00:00:00+09:00").toInstant(),
                        OffsetDateTime.parse("2022-01-03T00:00:00+09:00").toInstant(),
                        OffsetDateTime.parse("2022-02-03T00:00:00+09:00").toInstant());
        MedicalRuleSet baseline = KOREA.ruleSets().get(0);
        MedicalRuleSet validity = KOREA.ruleSets().get(1);
        assertThat(baseline.validityDays()).isEmpty();
        assertThat(baseline.boosterDaysAfter()).isEmpty();
        assertThat(validity.daysAfterPrimary()).isEqualTo(14);
        assertThat(validity.validityDays()).isEqualTo(OptionalInt.of(180));
        assertThat(validity.boosterDaysAfter()).isEqualTo(OptionalInt.of(0));
        assertThat(validity.boosterValidityDays()).isEmpty();
        assertThat(validity.adultAge()).isEqualTo(19);
        assertThat(validity.recoveryDays()).isEqualTo(180);
        assertThat(validity.testValidity(TestRecord.Kind.PCR)).contains(new MedicalRuleSet.TestValidity(48, true));
        assertThat(validity.testValidity(TestRecord.Kind.RAPID_ANTIGEN)).isEmpty();
        assertThat(validity.validityGuidanceUntil())
                .contains(OffsetDateTime.parse("2022-01-10T00:00:00+09:00").toInstant());
        assertThat(KOREA.ruleSets().get(2).testValidity(TestRecord.Kind.RAPID_ANTIGEN))
                .contains(new MedicalRuleSet.TestValidity(24, false));
        assertThat(validity.source()).contains("2022-01-06 24시까지");
    }

    @Test
    void the_set_in_force_switches_at_midnight_kst() {
        assertThat(KOREA.inForceAt(
                        OffsetDateTime.parse("2021-10-31T23:59:59+09:00").toInstant()))
                .isEmpty();
        assertThat(KOREA.inForceAt(OffsetDateTime.parse("2022-01-02T23:59:59+09:00")
                                .toInstant())
                        .orElseThrow()
                        .id())
                .isEqualTo("KR-MED-2021-11-01");
        assertThat(KOREA.inForceAt(OffsetDateTime.parse("2022-01-03T00:00:00+09:00")
                                .toInstant())
                        .orElseThrow()
                        .id())
                .isEqualTo("KR-MED-2022-01-03");
        assertThat(KOREA.nextAfter(
                        OffsetDateTime.parse("2022-02-03T00:00:00+09:00").toInstant()))
                .isEmpty();
    }

    @Test
    void the_document_form_round_trips() {
        MedicalRules copy = MedicalRules.fromDocument(KOREA.document());
        assertThat(copy.ruleSets()).isEqualTo(KOREA.ruleSets());
        assertThat(copy.document()).isEqualTo(KOREA.document());
    }

    @Test
    void a_wrongly_typed_parameter_is_rejected_naming_the_set_the_file_and_the_field() {
        assertThatThrownBy(() -> MedicalRules.fromDocument(withValidityParameters(p -> p.put("validityDays", "180"))))
                .isInstanceOf(RulesFormatException.class)
                .hasMessageContaining("KR-MED-2022-01-03")
                .hasMessageContaining("medical-2022-01-03.json")
                .hasMessageContaining("'validityDays' must be an integer");
    }

    @Test
    void a_missing_nullable_parameter_is_rejected_with_the_fix() {
        assertThatThrownBy(() -> MedicalRules.fromDocument(withValidityParameters(p -> p.remove("validityDays"))))
                .hasMessageContaining("'validityDays' is missing; write null if there is none");
    }

    @Test
    void a_misspelt_parameter_is_rejected_rather_than_ignored() {
        assertThatThrownBy(() -> MedicalRules.fromDocument(withValidityParameters(p -> p.put("validityDay", 90))))
                .hasMessageContaining("unknown parameter 'validityDay'");
    }

    @Test
    void a_validity_shorter_than_the_wait_is_rejected() {
        assertThatThrownBy(() -> MedicalRules.fromDocument(withValidityParameters(p -> p.put("validityDays", 10))))
                .hasMessageContaining("'validityDays' = 10 ends before 'daysAfterPrimary' = 14 starts");
    }

    @Test
    void an_out_of_range_number_is_rejected() {
        assertThatThrownBy(() -> MedicalRules.fromDocument(withValidityParameters(p -> p.put("recoveryDays", -1))))
                .hasMessageContaining("'recoveryDays' = -1 is outside 0..3660");
    }

    @Test
    void an_unknown_test_kind_is_rejected() {
        assertThatThrownBy(() -> MedicalRules.fromDocument(withValidityParameters(p -> ((ObjectNode) p.get("tests"))
                        .putObject("saliva")
                        .put("hours", 24)
                        .put("untilMidnight", false))))
                .hasMessageContaining("tests.saliva")
                .hasMessageContaining("unknown test kind 'saliva'");
    }

    @Test
    void a_booster_expiry_without_a_booster_rule_is_rejected() {
        ObjectNode document = (ObjectNode) KOREA.document();
        ((ObjectNode) document.withArray("ruleSets").get(0).get("parameters")).put("boosterValidityDays", 180);
        assertThatThrownBy(() -> MedicalRules.fromDocument(document))
                .hasMessageContaining("KR-MED-2021-11-01")
                .hasMessageContaining("'boosterValidityDays' needs a 'boosterDaysAfter'");
    }

    @Test
    void an_unknown_zone_is_rejected() {
        ObjectNode document = (ObjectNode) KOREA.document();
        document.put("zone", "Korea/Seoul");
        assertThatThrownBy(() -> MedicalRules.fromDocument(document)).hasMessageContaining("'zone' = 'Korea/Seoul'");
    }

    @Test
    void two_sets_taking_force_at_the_same_instant_are_rejected() {
        ObjectNode document = (ObjectNode) KOREA.document();
        ((ObjectNode) document.withArray("ruleSets").get(1)).put("effectiveFrom", "2021-11-01T00:00:00+09:00");
        assertThatThrownBy(() -> MedicalRules.fromDocument(document))
                .hasMessageContaining("KR-MED-2021-11-01 and KR-MED-2022-01-03 take force at the same instant");
    }

    @Test
    void a_missing_packaged_file_is_named() {
        assertThatThrownBy(() -> MedicalRules.loadPackaged("/io/checkpass/core/rules/kr/no-such-index.json"))
                .hasMessageContaining("no-such-index.json is missing");
    }

    @Test
    void the_korean_rules_carry_the_vaccines_accepted_on_a_foreign_pass_by_dcc_and_cvx_code() {
        VaccineProducts products = KOREA.vaccineProducts();
        assertThat(products.byDccCode("EU/1/20/1528")).contains(VaccineProduct.PFIZER);
        assertThat(products.byDccCode("Covishield")).contains(VaccineProduct.ASTRAZENECA);
        assertThat(products.byDccCode("EU/1/20/1525")).contains(VaccineProduct.JANSSEN);
        assertThat(products.byDccCode("CoronaVac")).contains(VaccineProduct.SINOVAC);
        assertThat(products.byCvx("510")).contains(VaccineProduct.SINOPHARM);
        assertThat(products.byDccCode("Sputnik-V")).isEmpty();
        // The document carries them, so a bundle does; and reads back the same.
        assertThat(MedicalRules.fromDocument(KOREA.document()).vaccineProducts().byCvx("212"))
                .contains(VaccineProduct.JANSSEN);
    }

    @Test
    void a_vaccine_list_that_disagrees_with_the_products_doses_or_names_a_code_twice_is_rejected() {
        ObjectNode doses = (ObjectNode) KOREA.document();
        ((ObjectNode) doses.path("vaccineProducts").path("products").get(0)).put("primaryDoses", 1);
        assertThatThrownBy(() -> MedicalRules.fromDocument(doses))
                .hasMessageContaining("products[0]: 'primaryDoses' = 1 but pfizer has 2");

        ObjectNode twice = (ObjectNode) KOREA.document();
        ((ObjectNode) twice.path("vaccineProducts").path("products").get(1))
                .withArray("dcc")
                .add("EU/1/20/1528");
        assertThatThrownBy(() -> MedicalRules.fromDocument(twice))
                .hasMessageContaining("DCC code 'EU/1/20/1528' is listed twice");

        ObjectNode unknown = (ObjectNode) KOREA.document();
        ((ObjectNode) unknown.path("vaccineProducts").path("products").get(0)).put("product", "sputnik");
        assertThatThrownBy(() -> MedicalRules.fromDocument(unknown))
                .hasMessageContaining("'product' = 'sputnik' is not a checkpass vaccine");

        ObjectNode none = (ObjectNode) KOREA.document();
        none.remove("vaccineProducts");
        assertThat(MedicalRules.fromDocument(none).vaccineProducts().byDccCode("EU/1/20/1528"))
                .isEmpty();
    }
}
