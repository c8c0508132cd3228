package io.checkpass.server.issuance;

import io.checkpass.core.pass.Serial;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The issuance ledger: which serial was issued to which person, for which device key, by which client. It is
 * the only place a serial meets a person, and tracing joins through it (design §3.5).
 */
public interface IssuanceLedger {

    /** One issuance. {@code deviceKey} is the compressed point, null for a static pass. */
    record Entry(Serial serial, String personId, String clientId, byte[] deviceKeyHash, byte[] deviceKey, LocalDate issueDay,
            String status, Instant issuedAt, Instant expiresAt, byte[] credential) {}

    /** The credential already issued for this person, device and day, if any. */
    Optional<Entry> find(String personId, byte[] deviceKeyHash, LocalDate issueDay);

    /** How many distinct devices (static counts as one) the person got credentials for on that day. */
    int devicesOn(String personId, LocalDate issueDay);

    /**
     * Records an issuance unless one exists for the same person, device and day (a concurrent request won the
     * race); returns the entry that is now on record.
     */
    Entry record(Entry entry);

    /** The newest device key each person used, for issue-ahead: person id → compressed point. */
    java.util.Map<String, byte[]> latestDeviceKeys();
}
