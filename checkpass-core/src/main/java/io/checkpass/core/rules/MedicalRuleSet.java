package io.checkpass.core.rules;

import io.checkpass.core.registry.TestRecord;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The medical rules one decree put in force: who counts as vaccinated, tested, recovered or a minor, and for how
 * long. Complete in itself, like a {@link VenueRuleSet}. Every number of the rules is here; the status engine
 * ({@code io.checkpass.core.status.StatusEngine}) holds none. Days are calendar days in the rules' zone, and the
 * counting is the Korean one (docs/medical-rules.md §3): "N days from day D" runs through 24:00 of day D + N.
 *
 * @param daysAfterPrimary      the primary series (the dose that completes it) counts from 00:00 of the day this
 *                              many days after that dose: 14
 * @param validityDays          the primary series stops counting after 24:00 of the day this many days after the
 *                              completing dose; empty = no expiry
 * @param boosterDaysAfter      a booster counts from 00:00 of the day this many days after it; empty = boosters
 *                              are not told apart from other doses
 * @param boosterValidityDays   like {@code validityDays}, for a booster; empty = no expiry
 * @param recoveryRemovesExpiry true if a recovery lifts the expiry of a completed primary series (a breakthrough
 *                              infection counts as a booster)
 * @param adultAge              the year-age (year of the instant − year of birth) from which a person is an adult;
 *                              younger people are minors, exempt from the pass
 * @param tests                 the negative test results that count, by kind, and for how long; kinds absent here
 *                              give no pass
 * @param recoveryDays          a recovery counts from 00:00 of the release day through 24:00 of the day this many
 *                              days later
 * @param validityGuidanceUntil until this instant, a vaccination whose validity has ended is stated as such (its
 *                              ended window) rather than as UNVACCINATED, so that the venue rules' guidance for
 *                              lapsed statuses can admit it with a notice (the 3–9 Jan 2022 week); empty = never
 */
public record MedicalRuleSet(
        String id,
        Instant effectiveFrom,
        LocalizedText title,
        String source,
        int daysAfterPrimary,
        OptionalInt validityDays,
        OptionalInt boosterDaysAfter,
        OptionalInt boosterValidityDays,
        boolean recoveryRemovesExpiry,
        int adultAge,
        Map<TestRecord.Kind, TestValidity> tests,
        int recoveryDays,
        Optional<Instant> validityGuidanceUntil)
        implements RuleSet {

    public MedicalRuleSet {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(validityDays, "validityDays");
        Objects.requireNonNull(boosterDaysAfter, "boosterDaysAfter");
        Objects.requireNonNull(boosterValidityDays, "boosterValidityDays");
        tests = Map.copyOf(tests);
        Objects.requireNonNull(validityGuidanceUntil, "validityGuidanceUntil");
    }

    /** How long a negative result of one test kind counts, if it does. */
    public Optional<TestValidity> testValidity(TestRecord.Kind kind) {
        return Optional.ofNullable(tests.get(kind));
    }

    /**
     * How long a negative test result counts.
     *
     * @param hours         from the moment the result is reported
     * @param untilMidnight true to extend to 24:00 of the day on which those hours end
     */
    public record TestValidity(int hours, boolean untilMidnight) {}
}
