package io.checkpass.server.registry;

import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.RegistryRecord;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The health registry: persons and their doses, tests, recoveries and exemptions. */
public interface Registry {

    Optional<HealthRecord> find(String personId);

    /**
     * Several persons at once (the issuance path reads the persons of concurrent requests together); ids the
     * registry does not hold are missing from the map.
     */
    Map<String, HealthRecord> findAll(Collection<String> personIds);

    /**
     * Stores records idempotently on their natural keys (docs/import.md): storing the same record twice changes
     * nothing; a record that differs from the stored one with the same key replaces it.
     *
     * @return per record, in order, what happened to it
     */
    List<Outcome> upsert(List<RegistryRecord> records);

    /** What storing one record did. */
    enum Outcome {
        INSERTED,
        UPDATED,
        UNCHANGED,
        /** The record names a person the registry does not hold (and the same batch did not add). */
        UNKNOWN_PERSON
    }

    /** Calls {@code action} for every person's record, in person-id order, in pages. */
    void forEach(Consumer<HealthRecord> action);

    long countPersons();
}
