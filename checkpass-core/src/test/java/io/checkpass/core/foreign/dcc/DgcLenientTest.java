package io.checkpass.core.foreign.dcc;

import static io.checkpass.core.foreign.ForeignFixtures.recovery;
import static io.checkpass.core.foreign.ForeignFixtures.test;
import static io.checkpass.core.foreign.ForeignFixtures.vaccination;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.verify.ForeignEvidence;
import io.checkpass.core.verify.PassWarning;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Lenient on payload: what real issuers signed that bends the DCC schema is read for what it holds, with a warning
 * naming the field; a certificate that cannot prove a status proves nothing, and is not unreadable.
 */
class DgcLenientTest {
    static ObjectNode entry(ObjectNode dgc, String field) {
        return (ObjectNode) dgc.withArray(field).get(0);
    }

    /** The one dose the certificate proves. */
    static ForeignEvidence.Dose dose(Dgc read) {
        assertThat(read.evidence().doses()).hasSize(1);
        return read.evidence().doses().getFirst();
    }

    /** The one test the certificate proves. */
    static ForeignEvidence.Test theTest(Dgc read) {
        assertThat(read.evidence().tests()).hasSize(1);
        return read.evidence().tests().getFirst();
    }

    @Test
    void empty_value_set_codes_are_read_and_noted_but_fit_the_schema() {
        var dgc = vaccination(2, 2, "2021-10-01");
        entry(dgc, "v").put("co", "").put("vp", "").put("ma", "");
        Dgc read = Dgc.parse(dgc);

        assertThat(dose(read).productCode()).isEqualTo("EU/1/20/1528");
        assertThat(read.warnings())
                .extracting(PassWarning::field)
                .containsExactlyInAnyOrder("v[0].co", "v[0].vp", "v[0].ma");
        // The schema types value-set fields as plain strings.
        assertThat(read.fitsSchema()).isTrue();
    }

    @Test
    void a_vaccination_without_a_product_proves_nothing() {
        var dgc = vaccination(2, 2, "2021-10-01");
        entry(dgc, "v").put("mp", "");
        Dgc read = Dgc.parse(dgc);
        assertThat(read.statusProven()).isFalse();
        assertThat(read.evidence().doses()).isEmpty();
        assertThat(read.unprovenBecause()).containsExactly("the vaccination names no product (mp)");
    }

    @Test
    void a_test_with_an_empty_or_unknown_result_proves_nothing_and_a_positive_one_is_unvaccinated() {
        var empty = test("", "2021-12-19T08:00:00Z");
        var unknown = test("NEGATIVO", "2021-12-19T08:00:00Z");
        var positive = test(Dgc.TEST_DETECTED, "2021-12-19T08:00:00Z");

        assertThat(Dgc.parse(empty).statusProven()).isFalse();
        assertThat(Dgc.parse(unknown).statusProven()).isFalse();
        assertThat(Dgc.parse(unknown).warnings()).extracting(PassWarning::field).containsExactly("t[0].tr");
        assertThat(Dgc.parse(positive).statusProven()).isTrue();
        // None proves a status the rules could admit: no dose, and no negative test.
        for (var dgc : new ObjectNode[] {empty, unknown, positive}) {
            ForeignEvidence evidence = Dgc.parse(dgc).evidence();
            assertThat(evidence.doses()).isEmpty();
            assertThat(evidence.tests()).allMatch(ForeignEvidence.Test::positive);
        }
    }

    @Test
    void dose_number_zero_is_a_schema_deviation_that_proves_nothing() {
        Dgc read = Dgc.parse(vaccination(0, 2, "2021-10-01"));
        assertThat(read.fitsSchema()).isFalse();
        assertThat(read.warnings()).extracting(PassWarning::field).containsExactly("v[0].dn");
        assertThat(read.statusProven()).isFalse();
        assertThat(read.evidence().doses()).isEmpty();
    }

    @Test
    void birth_dates_of_every_form_real_issuers_used_give_the_year() {
        for (String dob : new String[] {"1963", "1963-05", "1963-00", "1963-00-00", "1963-05-12"}) {
            var dgc = vaccination(2, 2, "2021-10-01").put("dob", dob);
            Dgc read = Dgc.parse(dgc);
            assertThat(read.birthYear()).as(dob).contains(1963);
            assertThat(read.fitsSchema()).as(dob).isTrue();
        }
        for (String dob : new String[] {"1963-05-12T00:00:00", "1899-01-01", "2100-01-01"}) {
            Dgc read = Dgc.parse(vaccination(2, 2, "2021-10-01").put("dob", dob));
            assertThat(read.fitsSchema()).as(dob).isFalse();
            assertThat(read.warnings()).as(dob).extracting(PassWarning::field).containsExactly("dob");
            assertThat(read.evidence().doses()).as(dob).hasSize(1);
        }
        assertThat(Dgc.parse(vaccination(2, 2, "2021-10-01").put("dob", "")).birthYear())
                .isEmpty();
        // A year staff could not compare with a passport shows no hint, rather than a wrong one.
        assertThat(Dgc.parse(vaccination(2, 2, "2021-10-01").put("dob", "1899-01-01"))
                        .display())
                .isEmpty();
    }

    @Test
    void a_partial_date_starts_a_status_no_earlier_than_any_reading_allows() {
        // Vaccinated some time in 2021-10: the dose counts as given on 31 October.
        assertThat(dose(Dgc.parse(vaccination(2, 2, "2021-10"))).date()).isEqualTo(LocalDate.of(2021, 10, 31));
        assertThat(dose(Dgc.parse(vaccination(3, 2, "2021-10-00"))).date()).isEqualTo(LocalDate.of(2021, 10, 31));
        assertThat(dose(Dgc.parse(vaccination(3, 2, "2021"))).date()).isEqualTo(LocalDate.of(2021, 12, 31));
        // Recovered from some time in 2021-11: from its last day. The issuer's du plays no part (the rules' 180 days
        // do).
        Dgc recovered = Dgc.parse(recovery("2021-11", "2022-04"));
        assertThat(recovered.evidence().recoveries())
                .containsExactly(new ForeignEvidence.Recovery(LocalDate.of(2021, 11, 30)));
        assertThat(recovered.fitsSchema()).isFalse();
    }

    @Test
    void a_date_time_where_a_date_belongs_and_a_date_where_a_date_time_belongs_are_read() {
        Dgc vaccinated = Dgc.parse(vaccination(3, 2, "2021-10-01T10:00:00Z"));
        assertThat(dose(vaccinated).date()).isEqualTo(LocalDate.of(2021, 10, 1));
        assertThat(vaccinated.warnings()).extracting(PassWarning::field).containsExactly("v[0].dt");

        Dgc tested = Dgc.parse(test(Dgc.TEST_NOT_DETECTED, "2021-12-19T08:00:00"));
        assertThat(theTest(tested).positive()).isFalse();
        assertThat(theTest(tested).sampledAt()).isEqualTo(Instant.parse("2021-12-19T08:00:00Z"));
        assertThat(tested.warnings()).extracting(PassWarning::field).containsExactly("t[0].sc");
    }

    @Test
    void an_offset_without_a_colon_is_read_as_the_offset_it_names() {
        Dgc tested = Dgc.parse(test(Dgc.TEST_NOT_DETECTED, "2021-12-19T10:00:00.000+0200"));
        assertThat(theTest(tested).sampledAt()).isEqualTo(Instant.parse("2021-12-19T08:00:00Z"));
        assertThat(tested.fitsSchema()).isFalse();
        assertThat(theTest(Dgc.parse(test(Dgc.TEST_NOT_DETECTED, "2021-12-19T10:00:00+02")))
                        .sampledAt())
                .isEqualTo(Instant.parse("2021-12-19T08:00:00Z"));
    }

    @Test
    void several_vaccination_entries_read_the_most_recent() {
        var dgc = vaccination(1, 2, "2021-08-01");
        ObjectNode second = entry(dgc, "v").deepCopy().put("dn", 2).put("dt", "2021-09-01");
        ObjectNode booster = entry(dgc, "v").deepCopy().put("dn", 3).put("dt", "2021-12-01");
        // Order in the list does not matter.
        dgc.withArray("v").insert(0, booster);
        dgc.withArray("v").add(second);

        Dgc read = Dgc.parse(dgc);
        assertThat(read.warnings()).extracting(PassWarning::field).containsExactly("v");
        assertThat(dose(read).doseNumber()).hasValue(3);
        assertThat(dose(read).date()).isEqualTo(LocalDate.of(2021, 12, 1));
    }

    @Test
    void numbers_and_names_in_unexpected_types_are_read() {
        var dgc = vaccination(2, 2, "2021-10-01");
        entry(dgc, "v").put("dn", "2").put("sd", 2.0);
        dgc.remove("nam");
        Dgc read = Dgc.parse(dgc);
        assertThat(dose(read).doseNumber()).hasValue(2);
        assertThat(read.name()).isEmpty();
        assertThat(read.display()).isEmpty();
        assertThat(read.warnings()).extracting(PassWarning::field).containsExactly("nam", "v[0].dn", "v[0].sd");
    }

    @Test
    void a_missing_identifier_is_noted_and_the_certificate_still_read() {
        var dgc = vaccination(2, 2, "2021-10-01");
        entry(dgc, "v").remove("ci");
        Dgc read = Dgc.parse(dgc);
        assertThat(read.certificateId()).isEmpty();
        assertThat(read.evidence().doses()).hasSize(1);
    }
}
