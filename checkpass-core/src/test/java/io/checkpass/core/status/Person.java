package io.checkpass.core.status;

import io.checkpass.core.registry.ExemptionRecord;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RecoveryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds a registry record of one person, step by step, the way their history happened. */
final class Person {
    private static final ZoneOffset KST = ZoneOffset.ofHours(9);
    private final PersonRecord person;
    private final List<ImmunizationRecord> doses = new ArrayList<>();
    private final List<TestRecord> tests = new ArrayList<>();
    private final List<RecoveryRecord> recoveries = new ArrayList<>();
    private final List<ExemptionRecord> exemptions = new ArrayList<>();

    private Person(LocalDate birthDate) {
        this.person = new PersonRecord("p-" + birthDate, "홍길동", birthDate, Optional.empty());
    }

    static Person born(String birthDate) {
        return new Person(LocalDate.parse(birthDate));
    }

    Person dose(VaccineProduct product, int number, String date) {
        doses.add(new ImmunizationRecord(person.personId(), LocalDate.parse(date), product, number));
        return this;
    }

    Person negativePcr(Instant reportedAt) {
        tests.add(new TestRecord(person.personId(), reportedAt, TestRecord.Kind.PCR, false));
        return this;
    }

    Person test(Instant reportedAt, TestRecord.Kind kind, boolean positive) {
        tests.add(new TestRecord(person.personId(), reportedAt, kind, positive));
        return this;
    }

    Person released(String date) {
        recoveries.add(new RecoveryRecord(person.personId(), LocalDate.parse(date)));
        return this;
    }

    Person exempt(String from, String through) {
        exemptions.add(new ExemptionRecord(
                person.personId(), LocalDate.parse(from), LocalDate.parse(through), "anaphylaxis after dose 1"));
        return this;
    }

    HealthRecord record() {
        return new HealthRecord(person, doses, tests, recoveries, exemptions);
    }

    static Instant kst(int year, int month, int day, int hour, int minute, int second) {
        return OffsetDateTime.of(year, month, day, hour, minute, second, 0, KST).toInstant();
    }

    static Instant midnight(int year, int month, int day) {
        return kst(year, month, day, 0, 0, 0);
    }
}
