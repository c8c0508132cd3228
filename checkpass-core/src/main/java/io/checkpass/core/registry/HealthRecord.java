package io.checkpass.core.registry;

import java.util.List;
import java.util.Objects;

/** Everything the registry holds about one person: the status engine's input. */
public record HealthRecord(
        PersonRecord person,
        List<ImmunizationRecord> immunizations,
        List<TestRecord> tests,
        List<RecoveryRecord> recoveries,
        List<ExemptionRecord> exemptions) {

    public HealthRecord {
        Objects.requireNonNull(person, "person");
        immunizations = List.copyOf(immunizations);
        tests = List.copyOf(tests);
        recoveries = List.copyOf(recoveries);
        exemptions = List.copyOf(exemptions);
    }
}
