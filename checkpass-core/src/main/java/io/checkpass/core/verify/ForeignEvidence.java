package io.checkpass.core.verify;

import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RecoveryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.rules.VaccineProducts;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a foreign pass proves about its holder's health, in the format's own terms: doses (product code, date, dose
 * number), tests (kind, result, sample time), recoveries (valid-from day) and the year of birth. The door turns it
 * into a {@link HealthRecord} with the bundle's accepted vaccines ({@link #healthRecord}) and lets the status engine
 * decide under the medical rules in force, as for a registry record (docs/foreign-passes.md §3).
 *
 * @param birthYear  the holder's year of birth, if the pass gives one: the rules' minor age applies to it
 * @param doses      vaccine doses, in any order
 * @param tests      tests whose kind and result are known
 * @param recoveries recoveries
 * @param unproven   what the pass cannot prove although the holder may think it does (an unknown test type, a
 *                   status stated without its doses), in English; empty when the pass proves all it states
 */
public record ForeignEvidence(
        Optional<Integer> birthYear,
        List<Dose> doses,
        List<Test> tests,
        List<Recovery> recoveries,
        List<String> unproven) {

    /** Which code list a dose's product code is from. */
    public enum CodeSystem {
        /** The EU DCC value set vaccines-covid-19-names (field {@code mp}). */
        DCC,
        /** CDC CVX, as FHIR Immunization resources of SMART Health Cards carry it. */
        CVX
    }

    /**
     * One dose.
     *
     * @param date        the day it was given, as the pass writes it
     * @param doseNumber  its number in the holder's doses; empty when the format does not number doses (SMART Health
     *                    Cards), in which case the accepted doses are numbered in date order
     */
    public record Dose(LocalDate date, CodeSystem system, String productCode, OptionalInt doseNumber) {
        public Dose {
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(productCode, "productCode");
            Objects.requireNonNull(doseNumber, "doseNumber");
        }
    }

    /**
     * One test.
     *
     * @param sampledAt when the sample was taken: the rules count a test's validity from its result, which a foreign
     *                  pass does not always give, and the sample is never later than the result
     */
    public record Test(Instant sampledAt, TestRecord.Kind kind, boolean positive) {
        public Test {
            Objects.requireNonNull(sampledAt, "sampledAt");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** One recovery: the first day the issuer counts it, read as the day of release from isolation. */
    public record Recovery(LocalDate validFrom) {
        public Recovery {
            Objects.requireNonNull(validFrom, "validFrom");
        }
    }

    /** The person id of every record built from a foreign pass; it names no one in the registry. */
    static final String PERSON = "foreign-pass";
    /**
     * The birth date used when the pass gives no year of birth: long enough ago that no minor window holds, so the
     * holder counts as an adult, as the door counts anyone whose age it cannot read.
     */
    static final LocalDate UNKNOWN_BIRTH = LocalDate.of(1900, 1, 1);

    public ForeignEvidence {
        Objects.requireNonNull(birthYear, "birthYear");
        doses = List.copyOf(doses);
        tests = List.copyOf(tests);
        recoveries = List.copyOf(recoveries);
        unproven = List.copyOf(unproven);
    }

    /** Evidence of nothing but the year of birth, with why the pass proves no more. */
    public static ForeignEvidence statusOnly(Optional<Integer> birthYear, String why) {
        return new ForeignEvidence(birthYear, List.of(), List.of(), List.of(), List.of(why));
    }

    /** A health record and what could not go into it. */
    public record Mapped(HealthRecord record, List<String> unproven) {}

    /**
     * The record the status engine decides on: doses of accepted vaccines (others are left out and said in
     * {@code unproven}), the tests and recoveries, and the year of birth as 1 January of that year (year-age is all
     * the minor rule reads).
     */
    public Mapped healthRecord(VaccineProducts accepted) {
        List<String> notes = new ArrayList<>(unproven);
        List<ImmunizationRecord> immunizations = new ArrayList<>();
        List<Dose> ordered =
                doses.stream().sorted(Comparator.comparing(Dose::date)).toList();
        int counted = 0;
        for (Dose dose : ordered) {
            Optional<VaccineProduct> product = switch (dose.system()) {
                case DCC -> accepted.byDccCode(dose.productCode());
                case CVX -> accepted.byCvx(dose.productCode());
            };
            if (product.isEmpty()) {
                notes.add("the vaccine '" + clip(dose.productCode()) + "' (" + dose.system()
                        + ") is not one the rules accept");
                continue;
            }
            counted++;
            int number = dose.doseNumber().orElse(counted);
            if (number >= 1 && number <= 9) {
                immunizations.add(new ImmunizationRecord(PERSON, dose.date(), product.get(), number));
            } else {
                notes.add("dose number " + number + " is outside 1..9");
            }
        }
        List<TestRecord> testRecords = tests.stream()
                .map(t -> new TestRecord(PERSON, t.sampledAt(), t.kind(), t.positive()))
                .toList();
        List<RecoveryRecord> recoveryRecords = recoveries.stream()
                .map(r -> new RecoveryRecord(PERSON, r.validFrom()))
                .toList();
        LocalDate birth = birthYear
                .filter(y -> y >= 1900 && y <= 2100)
                .map(y -> LocalDate.of(y, 1, 1))
                .orElse(UNKNOWN_BIRTH);
        PersonRecord person = new PersonRecord(PERSON, "foreign pass holder", birth, Optional.empty());
        return new Mapped(
                new HealthRecord(person, immunizations, testRecords, recoveryRecords, List.of()), List.copyOf(notes));
    }

    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
