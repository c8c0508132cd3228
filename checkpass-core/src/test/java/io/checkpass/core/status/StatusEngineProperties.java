package io.checkpass.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.ExemptionRecord;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RecoveryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.rules.MedicalRules;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the status engine over arbitrary registry records, at arbitrary instants under the Korean rules. */
class StatusEngineProperties {
    private static final StatusEngine ENGINE = new StatusEngine(MedicalRules.korea());
    private static final String ID = "p1";
    /** From the first Korean decree to the end of 2022, covering the 3 Jan 2022 switch. */
    private static final long FROM = Person.midnight(2021, 11, 1).getEpochSecond();
    private static final long TO = Person.midnight(2023, 1, 1).getEpochSecond();

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(FROM, TO - 1).map(Instant::ofEpochSecond);
    }

    private static Arbitrary<LocalDate> days(LocalDate first, LocalDate last) {
        return Arbitraries.longs().between(first.toEpochDay(), last.toEpochDay()).map(LocalDate::ofEpochDay);
    }

    @Provide
    Arbitrary<HealthRecord> records() {
        Arbitrary<LocalDate> pandemicDays = days(LocalDate.of(2020, 6, 1), LocalDate.of(2022, 12, 31));
        Arbitrary<PersonRecord> person = days(LocalDate.of(1930, 1, 1), LocalDate.of(2022, 12, 31))
                .map(birth -> new PersonRecord(ID, "홍길동", birth, Optional.empty()));
        Arbitrary<List<ImmunizationRecord>> doses = Combinators.combine(pandemicDays,
                        Arbitraries.of(VaccineProduct.class), Arbitraries.integers().between(1, 4))
                .as((date, product, number) -> new ImmunizationRecord(ID, date, product, number))
                .list().ofMaxSize(4);
        Arbitrary<List<TestRecord>> tests = Combinators.combine(
                        Arbitraries.longs().between(FROM - 3 * 86_400, TO).map(Instant::ofEpochSecond),
                        Arbitraries.of(TestRecord.Kind.class), Arbitraries.of(true, false))
                .as((at, kind, positive) -> new TestRecord(ID, at, kind, positive))
                .list().ofMaxSize(3);
        Arbitrary<List<RecoveryRecord>> recoveries = pandemicDays.map(day -> new RecoveryRecord(ID, day)).list().ofMaxSize(2);
        Arbitrary<List<ExemptionRecord>> exemptions = Combinators.combine(pandemicDays, Arbitraries.integers().between(0, 400))
                .as((first, length) -> new ExemptionRecord(ID, first, first.plusDays(length), "medical"))
                .list().ofMaxSize(2);
        return Combinators.combine(person, doses, tests, recoveries, exemptions).as(HealthRecord::new);
    }

    @Property(tries = 2000)
    void a_status_other_than_unvaccinated_holds_at_the_instant(
            @ForAll("records") HealthRecord record, @ForAll("instants") Instant at) {
        StatusDecision d = ENGINE.decide(record, at).orElseThrow();
        if (d.status() == PassStatus.UNVACCINATED) {
            assertThat(d.validFrom()).isEqualTo(at);
            assertThat(d.validUntil()).isEmpty();
        } else {
            assertThat(d.validFrom()).isBeforeOrEqualTo(at);
            d.validUntil().ifPresent(until -> assertThat(until).isAfter(at));
        }
    }

    /** The issuer may trust the answer until nextChange: the last moment before it gets the same answer. */
    @Property(tries = 2000)
    void nothing_changes_before_the_next_change(@ForAll("records") HealthRecord record, @ForAll("instants") Instant at) {
        StatusDecision d = ENGINE.decide(record, at).orElseThrow();
        d.validUntil().ifPresent(until -> assertThat(d.nextChange()).isPresent().get().matches(next -> !next.isAfter(until)));
        if (d.nextChange().isEmpty()) {
            return;
        }
        Instant next = d.nextChange().get();
        assertThat(next).isAfter(at);
        StatusDecision justBefore = ENGINE.decide(record, next.minusNanos(1)).orElseThrow();
        assertThat(justBefore.status()).isEqualTo(d.status());
        assertThat(justBefore.validUntil()).isEqualTo(d.validUntil());
        assertThat(justBefore.ruleSetId()).isEqualTo(d.ruleSetId());
        if (d.status() != PassStatus.UNVACCINATED) {
            assertThat(justBefore.validFrom()).isEqualTo(d.validFrom());
            assertThat(justBefore.explanation()).isEqualTo(d.explanation());
        }
    }

    @Property(tries = 1000)
    void the_order_of_the_records_does_not_matter(@ForAll("records") HealthRecord record, @ForAll("instants") Instant at) {
        HealthRecord reversed = new HealthRecord(record.person(), reversed(record.immunizations()), reversed(record.tests()),
                reversed(record.recoveries()), reversed(record.exemptions()));
        assertThat(ENGINE.decide(reversed, at)).isEqualTo(ENGINE.decide(record, at));
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
