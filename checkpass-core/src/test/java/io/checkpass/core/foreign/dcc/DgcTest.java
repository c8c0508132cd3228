package io.checkpass.core.foreign.dcc;

import static io.checkpass.core.foreign.ForeignFixtures.recovery;
import static io.checkpass.core.foreign.ForeignFixtures.test;
import static io.checkpass.core.foreign.ForeignFixtures.vaccination;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.verify.ForeignEvidence;
import java.time.Instant;
import java.time.LocalDate;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What a DCC's v, t or r entry proves, for the door's status engine (docs/foreign-passes.md §3). */
class DgcTest {
    @Test
    void a_vaccination_proves_its_dose_product_and_day_whatever_the_issuers_series_count() {
        ForeignEvidence evidence = Dgc.parse(vaccination(3, 2, "2021-12-01")).evidence();
        assertThat(evidence.doses())
                .containsExactly(new ForeignEvidence.Dose(
                        LocalDate.of(2021, 12, 1), ForeignEvidence.CodeSystem.DCC, "EU/1/20/1528", OptionalInt.of(3)));
        assertThat(evidence.tests()).isEmpty();
        assertThat(evidence.unproven()).isEmpty();
        assertThat(evidence.birthYear()).contains(1964);
    }

    @Test
    void a_test_proves_its_kind_result_and_sample_time() {
        Dgc negative = Dgc.parse(test("260415000", "2021-12-19T08:00:00+09:00"));
        assertThat(negative.evidence().tests())
                .containsExactly(
                        new ForeignEvidence.Test(Instant.parse("2021-12-18T23:00:00Z"), TestRecord.Kind.PCR, false));

        var rat = test(Dgc.TEST_DETECTED, "2021-12-19T08:00:00Z");
        ((ObjectNode) rat.path("t").get(0)).put("tt", Dgc.TEST_TYPE_RAT);
        assertThat(Dgc.parse(rat).evidence().tests())
                .containsExactly(new ForeignEvidence.Test(
                        Instant.parse("2021-12-19T08:00:00Z"), TestRecord.Kind.RAPID_ANTIGEN, true));

        var antibody = test("260415000", "2021-12-19T08:00:00Z");
        ((ObjectNode) antibody.path("t").get(0)).put("tt", "LP-ANTIBODY");
        assertThat(Dgc.parse(antibody).evidence().tests()).isEmpty();
        assertThat(Dgc.parse(antibody).evidence().unproven()).isNotEmpty();
    }

    @Test
    void a_recovery_proves_its_first_valid_day() {
        assertThat(Dgc.parse(recovery("2021-11-01", "2022-04-30")).evidence().recoveries())
                .containsExactly(new ForeignEvidence.Recovery(LocalDate.of(2021, 11, 1)));
    }

    @Test
    void a_payload_with_two_kinds_of_entry_or_none_is_read_with_a_warning() {
        var both = vaccination(2, 2, "2021-10-01");
        both.set("r", recovery("2021-11-01", "2022-04-30").get("r"));
        Dgc two = Dgc.parse(both);
        assertThat(two.fitsSchema()).isFalse();
        assertThat(two.types()).containsExactlyInAnyOrder(DccType.VACCINATION, DccType.RECOVERY);
        assertThat(two.type()).contains(DccType.VACCINATION);
        assertThat(two.evidence().doses()).hasSize(1);
        assertThat(two.evidence().recoveries()).isEmpty();

        var none = vaccination(2, 2, "2021-10-01");
        none.remove("v");
        Dgc empty = Dgc.parse(none);
        assertThat(empty.type()).isEmpty();
        assertThat(empty.statusProven()).isFalse();
        assertThat(empty.evidence().doses()).isEmpty();
        assertThat(empty.unprovenBecause()).containsExactly("holds no v, t or r entry");
    }

    @Test
    void only_a_payload_that_is_not_a_map_cannot_be_read() {
        assertThatThrownBy(() -> Dgc.parse(TextNode.valueOf("v"))).hasMessageContaining("not a map");
        assertThatThrownBy(() -> Dgc.parse(null)).hasMessageContaining("not a map");
    }
}
