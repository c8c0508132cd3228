package io.checkpass.server.issuance;

import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.LocalizedText;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The issuance ledger: which serial was issued to which person, for which device key, by which client, asserting
 * what. It is the only place a serial meets a person, and tracing joins through it (docs/principles.md §6).
 *
 * <p>It is keyed by what a credential asserts (ADR 13): a person, a device, the status with its window, the rule
 * set, and the day. Each entry also records what it was decided on, so that a device asking again while nothing
 * changed is served from one query, with no registry read.
 */
public interface IssuanceLedger {

    /**
     * One issuance. {@code deviceKey} is the compressed point, null for a static pass. {@code assertion} is the
     * SHA-256 of what the credential asserts; {@code generation} numbers the replacements of one (person, device,
     * assertion, day) whose earlier credential expired early or was revoked. The decision it carries was made on the
     * person's registry {@code registryRevision} under medical rules {@code rulesVersion}, for the instant {@code
     * decidedAt}, and holds until {@code decidedUntil} (empty: no change known); {@code ruleSetId} and {@code
     * explanation} are what the holder was told.
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
            int generation,
            long registryRevision,
            long rulesVersion,
            Instant decidedAt,
            Optional<Instant> decidedUntil,
            String ruleSetId,
            LocalizedText explanation) {

        /** True if the decision this credential carries still holds for a status asked at {@code statusAt}. */
        public boolean decidedFor(Instant statusAt, long currentRevision, long currentRulesVersion) {
            return registryRevision == currentRevision
                    && rulesVersion == currentRulesVersion
                    && decidedAt != null
                    && !statusAt.isBefore(decidedAt)
                    && decidedUntil.map(statusAt::isBefore).orElse(true);
        }
    }

    /**
     * What the ledger holds for a request.
     *
     * @param newest           the device's newest credential for the person that day, if any
     * @param newestRevoked    true if that credential's serial has been revoked
     * @param registryRevision the person's registry revision now; empty if the registry has no such person
     * @param devices          how many distinct devices (static counts as one) got credentials for the person that day
     * @param personRevoked    true if a revocation of the person is in force
     */
    record Today(
            Optional<Entry> newest,
            boolean newestRevoked,
            Optional<Long> registryRevision,
            int devices,
            boolean personRevoked) {

        /** True if this device already got a credential for the person that day. */
        public boolean deviceKnownToday() {
            return newest.isPresent();
        }
    }

    /** What a request asks the ledger about: a person's credentials for a device on a day. */
    record Key(String personId, byte[] deviceKeyHash, LocalDate issueDay) {}

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
