package io.checkpass.core.status;

import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.ExemptionRecord;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.RecoveryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.rules.LocalizedText;
import io.checkpass.core.rules.MedicalRuleSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every status window one health record gives under one rule set, whether it holds now, has ended or is still to
 * come. Days start at 00:00 in the rules' zone; "N days from day D" runs through 24:00 of day D + N, so it ends
 * (exclusive) at 00:00 of day D + N + 1.
 */
final class StatusWindows {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ZoneId zone;
    private final MedicalRuleSet set;

    StatusWindows(ZoneId zone, MedicalRuleSet set) {
        this.zone = zone;
        this.set = set;
    }

    List<StatusWindow> of(HealthRecord record) {
        List<StatusWindow> windows = new ArrayList<>();
        windows.add(minor(record.person().birthDate()));
        vaccination(record.immunizations(), record.recoveries(), windows);
        for (TestRecord test : record.tests()) {
            test(test).ifPresent(windows::add);
        }
        for (RecoveryRecord recovery : record.recoveries()) {
            windows.add(recovery(recovery));
        }
        for (ExemptionRecord exemption : record.exemptions()) {
            windows.add(exemption(exemption));
        }
        return windows;
    }

    /** Minor by year-age: from birth until 1 January of the year in which (year − birth year) reaches adultAge. */
    private StatusWindow minor(LocalDate birthDate) {
        int adultYear = birthDate.getYear() + set.adultAge();
        Optional<Instant> until = Optional.of(startOf(LocalDate.of(adultYear, 1, 1)));
        return new StatusWindow(
                PassStatus.MINOR,
                startOf(birthDate),
                until,
                new LocalizedText(
                        birthDate.getYear() + "년생, 연 나이 " + set.adultAge() + "세 미만 (" + validityKo(until) + ")",
                        "born " + birthDate.getYear() + ", under " + set.adultAge() + " by year-age ("
                                + validityEn(until) + ")"));
    }

    /**
     * The primary series completes at the earliest dose whose number reaches its product's primary doses (dose 2, or
     * Janssen dose 1). A booster is a dose numbered beyond its product's primary series, or beyond the dose that
     * completed the person's series (a second dose of any vaccine after Janssen).
     */
    private void vaccination(List<ImmunizationRecord> doses, List<RecoveryRecord> recoveries, List<StatusWindow> out) {
        Optional<ImmunizationRecord> completing = doses.stream()
                .filter(d -> d.doseNumber() >= d.product().primaryDoses())
                .min(Comparator.comparing(ImmunizationRecord::date).thenComparingInt(ImmunizationRecord::doseNumber));
        completing.ifPresent(dose -> {
            Instant from = startOf(dose.date().plusDays(set.daysAfterPrimary()));
            Optional<Instant> until = endAfter(dose.date(), set.validityDays());
            String afterKo = dose.doseNumber() + "차 접종 후 " + set.daysAfterPrimary() + "일 경과";
            String afterEn = set.daysAfterPrimary() + " days after dose " + dose.doseNumber();
            out.add(new StatusWindow(
                    PassStatus.VACCINATED,
                    from,
                    until,
                    new LocalizedText(
                            afterKo + " (" + validityKo(until) + ")", afterEn + " (" + validityEn(until) + ")")));
            if (set.recoveryRemovesExpiry() && until.isPresent()) {
                for (RecoveryRecord recovery : recoveries) {
                    Instant released = startOf(recovery.releasedOn());
                    out.add(new StatusWindow(
                            PassStatus.VACCINATED,
                            released.isAfter(from) ? released : from,
                            Optional.empty(),
                            new LocalizedText(
                                    afterKo + ", 격리해제 " + recovery.releasedOn() + " 감염 이력으로 유효기간 없음",
                                    afterEn + "; no expiry after recovery (released " + recovery.releasedOn() + ")")));
                }
            }
        });
        if (set.boosterDaysAfter().isEmpty()) {
            return;
        }
        int boosterDaysAfter = set.boosterDaysAfter().getAsInt();
        for (ImmunizationRecord dose : doses) {
            boolean booster = dose.doseNumber() > dose.product().primaryDoses()
                    || completing.map(c -> dose.doseNumber() > c.doseNumber()).orElse(false);
            if (booster) {
                Optional<Instant> until = endAfter(dose.date(), set.boosterValidityDays());
                out.add(new StatusWindow(
                        PassStatus.VACCINATED,
                        startOf(dose.date().plusDays(boosterDaysAfter)),
                        until,
                        new LocalizedText(
                                "추가접종(" + dose.doseNumber() + "차) " + dose.date() + " (" + validityKo(until) + ")",
                                "booster (dose " + dose.doseNumber() + ") on " + dose.date() + " (" + validityEn(until)
                                        + ")")));
            }
        }
    }

    /** A negative result of a kind the rules accept: from the report, for its hours, optionally to that day's 24:00. */
    private Optional<StatusWindow> test(TestRecord test) {
        if (test.positive()) {
            return Optional.empty();
        }
        return set.testValidity(test.kind()).map(validity -> {
            Instant end = test.resultAt().plus(Duration.ofHours(validity.hours()));
            // The day on which the hours end is the day of their last moment: a result at 00:00 ends at 00:00 sharp.
            Instant until =
                    validity.untilMidnight() ? startOf(dayOf(end.minusNanos(1)).plusDays(1)) : end;
            String kindKo = test.kind() == TestRecord.Kind.PCR ? "PCR" : "신속항원검사";
            String kindEn = test.kind() == TestRecord.Kind.PCR ? "PCR" : "rapid antigen test";
            String reported = MINUTE.format(test.resultAt().atZone(zone));
            return new StatusWindow(
                    PassStatus.TESTED,
                    test.resultAt(),
                    Optional.of(until),
                    new LocalizedText(
                            kindKo + " 음성, " + reported + " 통보 (" + validityKo(Optional.of(until)) + ")",
                            "negative " + kindEn + " reported " + reported + " (" + validityEn(Optional.of(until))
                                    + ")"));
        });
    }

    private StatusWindow recovery(RecoveryRecord recovery) {
        Optional<Instant> until = endAfter(recovery.releasedOn(), OptionalInt.of(set.recoveryDays()));
        return new StatusWindow(
                PassStatus.RECOVERED,
                startOf(recovery.releasedOn()),
                until,
                new LocalizedText(
                        "격리해제 " + recovery.releasedOn() + " (" + validityKo(until) + ")",
                        "released from isolation on " + recovery.releasedOn() + " (" + validityEn(until) + ")"));
    }

    /** An exemption holds from 00:00 of its first day through 24:00 of its last. */
    private StatusWindow exemption(ExemptionRecord exemption) {
        Optional<Instant> until = Optional.of(startOf(exemption.validUntil().plusDays(1)));
        return new StatusWindow(
                PassStatus.EXEMPT,
                startOf(exemption.validFrom()),
                until,
                new LocalizedText(
                        "의학적 사유 예외, " + exemption.validFrom() + "부터 (" + validityKo(until) + ")",
                        "medical exemption from " + exemption.validFrom() + " (" + validityEn(until) + ")"));
    }

    /** The end of "days from day D": 00:00 of day D + days + 1; empty when the rule sets no expiry. */
    private Optional<Instant> endAfter(LocalDate day, OptionalInt days) {
        return days.isPresent() ? Optional.of(startOf(day.plusDays(days.getAsInt() + 1L))) : Optional.empty();
    }

    private Instant startOf(LocalDate day) {
        return day.atStartOfDay(zone).toInstant();
    }

    private LocalDate dayOf(Instant instant) {
        return instant.atZone(zone).toLocalDate();
    }

    /** "2022-06-30" for the day before a midnight (the last day that counts), else "2022-06-30 10:00". */
    private String lastMoment(Instant until) {
        ZonedDateTime t = until.atZone(zone);
        return t.toLocalTime().equals(LocalTime.MIDNIGHT)
                ? t.toLocalDate().minusDays(1).toString()
                : MINUTE.format(t);
    }

    /** "2022-06-30" for a midnight (the first day that counts), else "2022-06-30 10:00". */
    String firstMoment(Instant from) {
        ZonedDateTime t = from.atZone(zone);
        return t.toLocalTime().equals(LocalTime.MIDNIGHT) ? t.toLocalDate().toString() : MINUTE.format(t);
    }

    private String validityKo(Optional<Instant> until) {
        return until.map(u -> "유효기간 " + lastMoment(u) + "까지").orElse("유효기간 없음");
    }

    private String validityEn(Optional<Instant> until) {
        return until.map(u ->
                        (u.atZone(zone).toLocalTime().equals(LocalTime.MIDNIGHT) ? "valid through " : "valid until ")
                                + lastMoment(u))
                .orElse("no expiry");
    }
}
