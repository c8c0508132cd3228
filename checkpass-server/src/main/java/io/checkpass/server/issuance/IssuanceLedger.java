package io.checkpass.server.issuance;

import io.checkpass.core.pass.Serial;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The issuance ledger: which serial was issued to which person, for which device key, by which client, asserting
 * what. It is the only place a serial meets a person, and tracing joins through it (docs/principles.md §6).
 *
 * <p>It is keyed by what a credential asserts (docs/adr/0013): a person, a device, the status with its window, the
 * rule set, and the day. A change in any of them is a new credential; the same assertion on the same day is served
 * again.
 */
public interface IssuanceLedger {

    /**
     * One issuance. {@code deviceKey} is the compressed point, null for a static pass. {@code assertion} is the
     * SHA-256 of what the credential asserts; {@code generation} numbers the replacements of one (person, device,
     * assertion, day) whose earlier credential expired early or was revoked.
     */
    record Entry(
            Serial serial,
            String personId,
            String clientId,
            byte[] deviceKeyHash,
            byte[] deviceKey,
            LocalDate issueDay,
            String status,
            Instant issuedAt,
            Instant expiresAt,
            byte[] credential,
            byte[] assertion,
            int generation) {}

    /**
     * What the ledger holds for a request.
     *
     * @param existing         the newest credential with this assertion for this device today, if any
     * @param existingRevoked  true if that credential's serial has been revoked
     * @param devices          how many distinct devices (static counts as one) got credentials for the person today
     * @param deviceKnownToday true if this device is one of them
     * @param personRevoked    true if a revocation of the person is in force
     */
    record Today(
            Optional<Entry> existing,
            boolean existingRevoked,
            int devices,
            boolean deviceKnownToday,
            boolean personRevoked) {}

    /** What a request asks the ledger about: a person's credential with an assertion for a device on a day. */
    record Key(String personId, byte[] deviceKeyHash, byte[] assertion, LocalDate issueDay) {}

    /** For each key, in order, what the ledger holds. One round trip for all of them. */
    List<Today> lookupAll(List<Key> keys);

    /**
     * Records an issuance unless one exists for the same person, device, assertion, day and generation (a concurrent
     * request won the race); returns the entry that is now on record.
     */
    Entry record(Entry entry);

    /** The newest device key each person used, for issue-ahead: person id → compressed point. */
    Map<String, byte[]> latestDeviceKeys();
}
