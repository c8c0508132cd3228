package io.checkpass.core.foreign.dcc;

import static io.checkpass.core.foreign.ForeignFixtures.recovery;
import static io.checkpass.core.foreign.ForeignFixtures.test;
import static io.checkpass.core.foreign.ForeignFixtures.vaccination;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.checkpass.core.pass.PassStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a DCC's v, t or r entry becomes our status and its window (docs/foreign-passes.md). */
class DgcTest {
    @Test
    void a_complete_series_counts_fourteen_days_after_the_last_dose() {
        Dgc dgc = Dgc.parse(vaccination(2, 2, "2021-10-01"));
        assertThat(dgc.status()).isEqualTo(PassStatus.VACCINATED);
        assertThat(dgc.statusValidFrom()).isEqualTo(Instant.parse("2021-10-15T00:00:00Z"));
        assertThat(dgc.statusValidUntil()).isEmpty();
    }

    @Test
    void a_booster_counts_at_once() {
        Dgc dgc = Dgc.parse(vaccination(3, 2, "2021-12-01"));
        assertThat(dgc.status()).isEqualTo(PassStatus.VACCINATED);
        assertThat(dgc.statusValidFrom()).isEqualTo(Instant.parse("2021-12-01T00:00:00Z"));
    }

    @Test
    void a_partial_series_is_unvaccinated() {
        assertThat(Dgc.parse(vaccination(1, 2, "2021-10-01")).status()).isEqualTo(PassStatus.UNVACCINATED);
    }

    @Test
    void a_negative_test_holds_for_48_hours_from_the_sample_and_a_positive_one_is_unvaccinated() {
        Dgc negative = Dgc.parse(test("260415000", "2021-12-19T08:00:00+09:00"));
        assertThat(negative.status()).isEqualTo(PassStatus.TESTED);
        assertThat(negative.statusValidFrom()).isEqualTo(Instant.parse("2021-12-18T23:00:00Z"));
        assertThat(negative.statusValidUntil()).contains(Instant.parse("2021-12-20T23:00:00Z"));

        assertThat(Dgc.parse(test("260373001", "2021-12-19T08:00:00+09:00")).status())
                .isEqualTo(PassStatus.UNVACCINATED);
    }

    @Test
    void recovery_holds_from_df_to_the_end_of_du() {
        Dgc dgc = Dgc.parse(recovery("2021-11-01", "2022-04-30"));
        assertThat(dgc.status()).isEqualTo(PassStatus.RECOVERED);
        assertThat(dgc.statusValidFrom()).isEqualTo(Instant.parse("2021-11-01T00:00:00Z"));
        assertThat(dgc.statusValidUntil()).contains(Instant.parse("2022-05-01T00:00:00Z"));
    }

    @Test
    void a_payload_with_two_kinds_of_entry_or_none_is_read_with_a_warning() {
        var both = vaccination(2, 2, "2021-10-01");
        both.set("r", recovery("2021-11-01", "2022-04-30").get("r"));
        Dgc two = Dgc.parse(both);
        assertThat(two.fitsSchema()).isFalse();
        assertThat(two.types()).containsExactlyInAnyOrder(DccType.VACCINATION, DccType.RECOVERY);
        assertThat(two.type()).contains(DccType.VACCINATION);
        assertThat(two.status()).isEqualTo(PassStatus.VACCINATED);

        var none = vaccination(2, 2, "2021-10-01");
        none.remove("v");
        Dgc empty = Dgc.parse(none);
        assertThat(empty.type()).isEmpty();
        assertThat(empty.statusProven()).isFalse();
        assertThat(empty.status()).isEqualTo(PassStatus.UNVACCINATED);
        assertThat(empty.unprovenBecause()).containsExactly("holds no v, t or r entry");
    }

    @Test
    void only_a_payload_that_is_not_a_map_cannot_be_read() {
        assertThatThrownBy(() -> Dgc.parse(TextNode.valueOf("v"))).hasMessageContaining("not a map");
        assertThatThrownBy(() -> Dgc.parse(null)).hasMessageContaining("not a map");
    }
}
