package io.checkpass.core.registry;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * A person in the health registry.
 *
 * @param personId  the registry's stable reference (what wallet providers assert after their own identity check)
 * @param name      full name, as on an ID card
 * @param birthDate date of birth
 * @param phone     contact number in E.164 or national form, if known (used only by tracing)
 */
public record PersonRecord(String personId, String name, LocalDate birthDate, Optional<String> phone)
        implements RegistryRecord {
    public PersonRecord {
        requireId(personId);
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name must be 1..100 characters");
        }
        Objects.requireNonNull(birthDate, "birthDate");
        Objects.requireNonNull(phone, "phone");
    }

    /** Person ids are {@link PersonId}s. */
    static void requireId(String personId) {
        new PersonId(personId);
    }
}
