package io.checkpass.core.registry;

import java.time.LocalDate;
import java.util.Objects;

/** A recovery: the day the person was released from isolation after a confirmed infection. */
public record RecoveryRecord(String personId, LocalDate releasedOn) implements RegistryRecord {
    public RecoveryRecord {
        PersonRecord.requireId(personId);
        Objects.requireNonNull(releasedOn, "releasedOn");
    }
}
