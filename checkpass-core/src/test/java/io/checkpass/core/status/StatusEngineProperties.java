package io.checkpass.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

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
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of the status engine over arbitrary registry records, at arbitrary instants under the Korean rules. */
class StatusEngineProperties {
    private static final StatusEngine ENGINE = new StatusEngine(MedicalRules.korea());
    private static final String ID = "p1";
    /** From the first Korean decree to the end of 2022, covering the 3 Jan 2022 switch. */
    private static final long FROM = Person.midnight(2021, 11, 1).getEpochSecond();

    private static final long TO = Person.midnight(2023, 1, 1).getEpochSecond();
    /**
     * Fixed, so that a run is reproducible; QuickTheories reports it with any falsifying example. Each property adds its
     * own offset, so that properties over the same generators try different examples.
     */
    private static final long SEED = 20220103L;

    private static Gen<Instant> instants() {
        return longs().between(FROM, TO - 1).map(second -> Instant.ofEpochSecond(second));
    }

    private static Gen<LocalDate> days(LocalDate first, LocalDate last) {
        return longs().between(first.toEpochDay(), last.toEpochDay()).map(LocalDate::ofEpochDay);
    }

    private static Gen<HealthRecord> records() {
        Gen<LocalDate> pandemicDays = days(LocalDate.of(2020, 6, 1), LocalDate.of(2022, 12, 31));
        Gen<PersonRecord> person = days(LocalDate.of(1930, 1, 1), LocalDate.of(2022, 12, 31))
                .map(birth -> new PersonRecord(ID, "홍길동", birth, Optional.empty()));
        Gen<List<ImmunizationRecord>> doses = lists().of(pandemicDays.zip(
                        arbitrary().enumValues(VaccineProduct.class),
                        integers().between(1, 4),
                        (date, product, number) -> new ImmunizationRecord(ID, date, product, number)))
                .ofSizeBetween(0, 4);
        Gen<List<TestRecord>> tests = lists().of(longs().between(FROM - 3 * 86_400, TO)
                        .map(second -> Instant.ofEpochSecond(second))
                        .zip(
                                arbitrary().enumValues(TestRecord.Kind.class),
                                booleans().all(),
                                (at, kind, positive) -> new TestRecord(ID, at, kind, positive)))
                .ofSizeBetween(0, 3);
        Gen<List<RecoveryRecord>> recoveries =
                lists().of(pandemicDays.map(day -> new RecoveryRecord(ID, day))).ofSizeBetween(0, 2);
        Gen<List<ExemptionRecord>> exemptions = lists().of(pandemicDays.zip(
                        integers().between(0, 400),
                        (first, length) -> new ExemptionRecord(ID, first, first.plusDays(length), "medical")))
                .ofSizeBetween(0, 2);
        return person.zip(doses, tests, recoveries, exemptions, HealthRecord::new);
    }

    @Test
    void a_status_other_than_unvaccinated_holds_at_the_instant() {
        qt().withExamples(2000)
                .withFixedSeed(SEED)
                .forAll(records(), instants())
                .checkAssert(StatusEngineProperties::holdsAtTheInstant);
    }

    private static void holdsAtTheInstant(HealthRecord record, Instant at) {
        StatusDecision d = ENGINE.decide(record, at).orElseThrow();
        if (d.status() == PassStatus.UNVACCINATED) {
            assertThat(d.validFrom()).isEqualTo(at);
            assertThat(d.validUntil()).isEmpty();
        } else if (d.statusAt(at) == PassStatus.UNVACCINATED) {
            // Only a lapsed vaccination during a validity guidance week is stated although it no longer holds.
            assertThat(d.status()).isEqualTo(PassStatus.VACCINATED);
            assertThat(d.validUntil()).isPresent().get().matches(until -> !until.isAfter(at));
            assertThat(MedicalRules.korea().inForceAt(at).orElseThrow().validityGuidanceUntil())
                    .isPresent()
                    .get()
                    .matches(at::isBefore);
        } else {
            assertThat(d.validFrom()).isBeforeOrEqualTo(at);
            d.validUntil().ifPresent(until -> assertThat(until).isAfter(at));
        }
    }

    /** The issuer may trust the answer until nextChange: the last moment before it gets the same answer. */
    @Test
    void nothing_changes_before_the_next_change() {
        qt().withExamples(2000)
                .withFixedSeed(SEED + 1)
                .forAll(records(), instants())
                .checkAssert(StatusEngineProperties::nothingChangesBeforeTheNextChange);
    }

    private static void nothingChangesBeforeTheNextChange(HealthRecord record, Instant at) {
        StatusDecision d = ENGINE.decide(record, at).orElseThrow();
        d.validUntil()
                .filter(at::isBefore)
                .ifPresent(until -> assertThat(d.nextChange()).isPresent().get().matches(next -> !next.isAfter(until)));
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

    @Test
    void the_order_of_the_records_does_not_matter() {
        qt().withExamples(1000)
                .withFixedSeed(SEED + 2)
                .forAll(records(), instants())
                .checkAssert(StatusEngineProperties::theOrderDoesNotMatter);
    }

    private static void theOrderDoesNotMatter(HealthRecord record, Instant at) {
        HealthRecord reversed = new HealthRecord(
                record.person(),
                reversed(record.immunizations()),
                reversed(record.tests()),
                reversed(record.recoveries()),
                reversed(record.exemptions()));
        assertThat(ENGINE.decide(reversed, at)).isEqualTo(ENGINE.decide(record, at));
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
