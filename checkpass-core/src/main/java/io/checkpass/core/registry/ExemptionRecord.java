package io.checkpass.core.registry;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A medical exemption certificate (의학적 사유 예외).
 *
 * @param validFrom  first day it holds
 * @param validUntil last day it holds (inclusive)
 * @param reason     the documented reason, free text
 */
public record ExemptionRecord(String personId, LocalDate validFrom, LocalDate validUntil, String reason)
        implements RegistryRecord {
    public ExemptionRecord {
        PersonRecord.requireId(personId);
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(reason, "reason");
        if (validUntil.isBefore(validFrom)) {
            throw new IllegalArgumentException("exemption ends " + validUntil + " before it starts " + validFrom);
        }
    }
}
