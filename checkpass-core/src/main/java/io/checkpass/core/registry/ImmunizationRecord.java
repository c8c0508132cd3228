package io.checkpass.core.registry;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One vaccine dose.
 *
 * @param doseNumber 1 for the first dose; a dose beyond the product's primary series is a booster
 */
public record ImmunizationRecord(String personId, LocalDate date, VaccineProduct product, int doseNumber)
        implements RegistryRecord {
    public ImmunizationRecord {
        PersonRecord.requireId(personId);
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(product, "product");
        if (doseNumber < 1 || doseNumber > 9) {
            throw new IllegalArgumentException("dose number " + doseNumber + " is outside 1..9");
        }
    }
}
