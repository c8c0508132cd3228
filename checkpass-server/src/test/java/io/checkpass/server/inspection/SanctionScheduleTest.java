package io.checkpass.server.inspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.server.inspection.SanctionSchedule.Offender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Period;
import org.junit.jupiter.api.Test;

/** The schedule as data: the version in force by date, the n-th sanction of each offender, a wrong file refused. */
class SanctionScheduleTest {

    @Test
    void the_shipped_schedule_takes_force_when_pass_fines_began_and_escalates_an_operator() {
        SanctionSchedule schedule = SanctionSchedule.packaged();
        assertThat(schedule.inForceAt(Instant.parse("2021-11-07T14:59:59Z"))).isEmpty();
        var version = schedule.inForceAt(Instant.parse("2021-11-07T15:00:00Z")).orElseThrow();
        assertThat(version.id()).isEqualTo("KR-2021-11-08");
        assertThat(version.sanction(Offender.USER, 1).fineKrw()).isEqualTo(100_000);
        assertThat(version.sanction(Offender.USER, 3).fineKrw()).isEqualTo(100_000);
        assertThat(version.sanction(Offender.USER, 1).order()).isEmpty();
        assertThat(version.sanction(Offender.OPERATOR, 1).fineKrw()).isEqualTo(1_500_000);
        assertThat(version.sanction(Offender.OPERATOR, 2).fineKrw()).isEqualTo(3_000_000);
        assertThat(version.sanction(Offender.OPERATOR, 9).fineKrw()).isEqualTo(3_000_000);
        assertThat(version.sanction(Offender.OPERATOR, 1).order().orElseThrow().period())
                .contains(Period.ofDays(10));
        assertThat(version.sanction(Offender.OPERATOR, 2).order().orElseThrow().period())
                .contains(Period.ofDays(20));
        assertThat(version.sanction(Offender.OPERATOR, 3).order().orElseThrow().period())
                .contains(Period.ofMonths(3));
        assertThat(version.sanction(Offender.OPERATOR, 4).order().orElseThrow().code())
                .isEqualTo("closure");
        assertThat(version.sanction(Offender.OPERATOR, 7).order().orElseThrow().code())
                .isEqualTo("closure");
        // The window is a year in Korean dates: a violation on 2022-03-01 counts back to 2021-03-01 00:00 KST.
        assertThat(version.repeatWindowStart(Instant.parse("2022-02-28T15:00:00Z")))
                .isEqualTo(Instant.parse("2021-02-28T15:00:00Z"));
    }

    @Test
    void a_later_version_governs_violations_from_its_day_and_an_earlier_one_before() throws IOException {
        SanctionSchedule schedule = read(version("A", "2021-11-08T00:00:00+09:00", "[1500000, 3000000]") + ","
                + version("B", "2022-01-01T00:00:00+09:00", "[2000000]"));
        assertThat(schedule.inForceAt(Instant.parse("2021-12-31T14:59:59Z"))
                        .orElseThrow()
                        .id())
                .isEqualTo("A");
        var b = schedule.inForceAt(Instant.parse("2021-12-31T15:00:00Z")).orElseThrow();
        assertThat(b.id()).isEqualTo("B");
        assertThat(b.sanction(Offender.OPERATOR, 2).fineKrw()).isEqualTo(2_000_000);
        assertThat(schedule.version("A")).isPresent();
    }

    @Test
    void a_version_with_a_wrong_amount_is_refused_by_name() {
        assertThatThrownBy(() -> read(version("BAD", "2021-11-08T00:00:00+09:00", "[\"lots\"]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version BAD")
                .hasMessageContaining("whole KRW");
    }

    private static SanctionSchedule read(String versions) throws IOException {
        return SanctionSchedule.read(
                new ByteArrayInputStream(("{\"versions\": [" + versions + "]}").getBytes(StandardCharsets.UTF_8)));
    }

    private static String version(String id, String from, String operatorFines) {
        return """
                {"id": "%s", "effectiveFrom": "%s", "source": "test", "repeatWindow": "P1Y",
                 "repeatCounting": {"ko": "1년", "en": "a year"},
                 "user": {"basis": "§83(4)", "fines": [100000]},
                 "operator": {"basis": "§83(2)", "fines": %s, "orders": []},
                 "checklist": []}""".formatted(id, from, operatorFines);
    }
}
