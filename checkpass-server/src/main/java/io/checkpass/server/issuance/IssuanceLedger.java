package io.checkpass.server.issuance;

import io.checkpass.core.pass.Serial;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The issuance ledger: which serial was issued to which person, for which device key, by which client. It is
 * the only place a serial meets a person, and tracing joins through it (docs/principles.md §6).
 */
public interface IssuanceLedger {

    /** One issuance. {@code deviceKey} is the compressed point, null for a static pass. */
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
            byte[] credential) {}

    /**
     * What the ledger holds for a person on a day: the credential already issued for this device, if any, and how
     * many distinct devices (static counts as one) got credentials that day.
     */
    record Today(Optional<Entry> existing, int devices) {}

    /** What a request asks the ledger about: a person's credential for a device on a day. */
    record Key(String personId, byte[] deviceKeyHash, LocalDate issueDay) {}

    /** For each key, in order, what the ledger holds. One round trip for all of them. */
    List<Today> lookupAll(List<Key> keys);

    /**
     * Records an issuance unless one exists for the same person, device and day (a concurrent request won the
     * race); returns the entry that is now on record.
     */
    Entry record(Entry entry);

    /** The newest device key each person used, for issue-ahead: person id → compressed point. */
    Map<String, byte[]> latestDeviceKeys();
}
