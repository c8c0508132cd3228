package io.checkpass.server.tracing;

import io.checkpass.server.visits.CheckIn.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What a trace found: the case's own visits, and one {@link Contact} per co-visitor identity with the encounters
 * that make them a contact. Every {@link Resolution#resolved() resolved} contact has an audit entry.
 *
 * @param traceId     the id every audit entry of this trace carries in its detail
 * @param tracedAt    when the trace ran (the centre's clock)
 * @param dwell       the presence length used: a check-in at t means present during [t, t + dwell)
 * @param caseVisits  the case's check-ins in the window, oldest first
 * @param contacts    co-visitors, resolved persons first, then contacts by phone, then the unresolved
 */
public record TraceResult(
        UUID traceId,
        Instant tracedAt,
        TraceRequest request,
        Duration dwell,
        List<CaseVisit> caseVisits,
        List<Contact> contacts) {

    public TraceResult {
        caseVisits = List.copyOf(caseVisits);
        contacts = List.copyOf(contacts);
    }

    /** One of the case's own check-ins. */
    public record CaseVisit(UUID checkinId, String venueId, Optional<String> venueName, Instant at, Channel channel) {}

    /** How a co-visitor was, or was not, turned into contact details. */
    public enum Resolution {
        /** serial → issuance ledger → registry person. */
        LEDGER(true),
        /** The sealed contact of a CALL or MANUAL check-in, decrypted. */
        CONTACT(true),
        /** A serial the ledger does not hold: purged, or issued elsewhere. */
        NOT_IN_LEDGER(false),
        /** A foreign pass (QR with a pass reference and no native serial). */
        FOREIGN_PASS(false),
        /** A check-in with neither serial, pass reference nor contact (a refused, unreadable QR). */
        NO_IDENTIFIER(false),
        /** A sealed contact that does not decrypt: altered, or sealed under another key. */
        UNDECRYPTABLE(false);

        private final boolean resolved;

        Resolution(boolean resolved) {
            this.resolved = resolved;
        }

        /** True when contact details were revealed, and so audited. */
        public boolean resolved() {
            return resolved;
        }

        /** The name in JSON and CSV: lower case with hyphens. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One co-visitor identity.
     *
     * @param identity   a stable key: {@code person:<id>}, {@code contact:<hmac prefix>}, {@code serial:<hex>},
     *                   {@code pass-ref:<ref>} or {@code checkin:<uuid>}; for resolved contacts it is the audit subject
     * @param personId   for {@link Resolution#LEDGER}
     * @param name       the registry name, or the name given on a call or manual entry
     * @param phone      normalised digits when the number normalises, else as stored
     * @param encounters the overlapping visits, by contact visit time
     */
    public record Contact(
            String identity,
            Resolution resolution,
            Optional<String> personId,
            Optional<String> name,
            Optional<String> phone,
            List<Encounter> encounters) {
        public Contact {
            encounters = List.copyOf(encounters);
        }
    }

    /**
     * A co-visitor's check-in that overlaps one of the case's.
     *
     * @param overlap how long both presence intervals overlap: dwell − |caseVisitAt − contactVisitAt|
     */
    public record Encounter(
            String venueId,
            Optional<String> venueName,
            UUID caseCheckinId,
            Instant caseVisitAt,
            UUID contactCheckinId,
            Instant contactVisitAt,
            Channel channel,
            Optional<String> verdict,
            Duration overlap) {}
}
