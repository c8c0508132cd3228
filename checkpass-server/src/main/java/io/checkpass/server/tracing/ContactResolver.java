package io.checkpass.server.tracing;

import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.tracing.TraceResult.CaseVisit;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import io.checkpass.server.tracing.TraceResult.Resolution;
import io.checkpass.server.visits.CheckIn.Channel;
import io.checkpass.server.visits.ContactCipher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the co-visits a trace found into contacts, without a database: groups the rows by identity (a registry
 * person through the ledger, a sealed contact by its HMAC, else what little the row holds), decrypts sealed
 * contacts, computes each encounter's overlap and orders the contacts for the investigator. {@link TraceQueries}
 * fetches the rows; {@link Tracer} audits what this reveals.
 */
final class ContactResolver {
    private static final Logger log = LoggerFactory.getLogger(ContactResolver.class);
    private static final HexFormat HEX = HexFormat.of();
    /** 64 bits of the contact HMAC name a contact in the audit log without revealing the number. */
    private static final int HMAC_PREFIX_BYTES = 8;

    /**
     * One co-visit row: another check-in near one of the case's, with what the ledger and the registry know of
     * its serial. Fields other than the first four are null when the check-in or the join has none.
     */
    record CoVisit(
            CaseVisit caseVisit,
            UUID checkinId,
            Instant at,
            Channel channel,
            byte[] serial,
            String passRef,
            byte[] contactHmac,
            byte[] contactSealed,
            String verdict,
            String personId,
            String personName,
            String personPhone) {}

    private final ContactCipher cipher;

    ContactResolver(ContactCipher cipher) {
        this.cipher = cipher;
    }

    /** The identity a contact HMAC has in results and audit entries: {@code contact:} and its first 8 bytes in hex. */
    static String contactIdentity(byte[] hmac) {
        return "contact:" + HEX.formatHex(hmac, 0, HMAC_PREFIX_BYTES);
    }

    /**
     * Groups co-visits by identity and turns each identity into contact details where it can: resolved persons
     * first, then contacts by phone, then the unresolved; each group by its first encounter.
     *
     * @param traceId names the trace in the warnings about contacts that do not decrypt
     * @param dwell   the presence length: an encounter's overlap is dwell − |case visit − co-visit|
     */
    List<Contact> resolve(UUID traceId, Duration dwell, List<CoVisit> rows) {
        Map<String, ContactBuilder> byIdentity = new LinkedHashMap<>();
        for (CoVisit row : rows) {
            ContactBuilder contact = identityOf(traceId, row, byIdentity);
            CaseVisit cv = row.caseVisit();
            Duration apart = Duration.between(cv.at(), row.at()).abs();
            contact.encounters.add(new Encounter(
                    cv.venueId(),
                    cv.venueName(),
                    cv.checkinId(),
                    cv.at(),
                    row.checkinId(),
                    row.at(),
                    row.channel(),
                    Optional.ofNullable(row.verdict()),
                    dwell.minus(apart)));
        }
        return byIdentity.values().stream()
                .map(ContactBuilder::build)
                .sorted(Comparator.comparing((Contact k) -> rank(k.resolution()))
                        .thenComparing(k -> k.encounters().getFirst().contactVisitAt())
                        .thenComparing(Contact::identity))
                .toList();
    }

    private ContactBuilder identityOf(UUID traceId, CoVisit row, Map<String, ContactBuilder> byIdentity) {
        if (row.serial() != null) {
            if (row.personId() != null) {
                return byIdentity.computeIfAbsent(
                        "person:" + row.personId(),
                        id -> new ContactBuilder(
                                id,
                                Resolution.LEDGER,
                                Optional.of(row.personId()),
                                Optional.ofNullable(row.personName()),
                                Optional.ofNullable(row.personPhone()).map(ContactResolver::tidyPhone)));
            }
            return byIdentity.computeIfAbsent(
                    "serial:" + HEX.formatHex(row.serial()),
                    id -> ContactBuilder.unresolved(id, Resolution.NOT_IN_LEDGER));
        }
        if (row.contactHmac() != null) {
            Optional<ContactCipher.Contact> opened = open(traceId, row);
            if (opened.isEmpty()) {
                return byIdentity.computeIfAbsent(
                        "checkin:" + row.checkinId(), id -> ContactBuilder.unresolved(id, Resolution.UNDECRYPTABLE));
            }
            ContactBuilder contact = byIdentity.computeIfAbsent(
                    contactIdentity(row.contactHmac()),
                    id -> new ContactBuilder(
                            id,
                            Resolution.CONTACT,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.of(opened.get().phone())));
            if (contact.name.isEmpty()) {
                contact.name = opened.get().name();
            }
            return contact;
        }
        if (row.passRef() != null) {
            return byIdentity.computeIfAbsent(
                    "pass-ref:" + row.passRef(), id -> ContactBuilder.unresolved(id, Resolution.FOREIGN_PASS));
        }
        return byIdentity.computeIfAbsent(
                "checkin:" + row.checkinId(), id -> ContactBuilder.unresolved(id, Resolution.NO_IDENTIFIER));
    }

    private Optional<ContactCipher.Contact> open(UUID traceId, CoVisit row) {
        if (row.contactSealed() == null) {
            log.warn("trace {}: check-in {} has a contact HMAC but no sealed contact", traceId, row.checkinId());
            return Optional.empty();
        }
        try {
            return Optional.of(cipher.open(row.contactSealed(), row.contactHmac()));
        } catch (IllegalStateException e) {
            log.warn(
                    "trace {}: the contact of check-in {} does not decrypt; reported unresolved",
                    traceId,
                    row.checkinId());
            return Optional.empty();
        }
    }

    private static int rank(Resolution resolution) {
        return switch (resolution) {
            case LEDGER -> 0;
            case CONTACT -> 1;
            case NOT_IN_LEDGER, FOREIGN_PASS, NO_IDENTIFIER, UNDECRYPTABLE -> 2;
        };
    }

    /** Registry phones are free text: report them canonical when they are a number, as stored when not. */
    private static String tidyPhone(String phone) {
        return PhoneNumber.parse(phone).number().map(PhoneNumber::digits).orElse(phone);
    }

    /** A contact while its encounters are collected. */
    private static final class ContactBuilder {
        final String identity;
        final Resolution resolution;
        final Optional<String> personId;
        Optional<String> name;
        final Optional<String> phone;
        final List<Encounter> encounters = new ArrayList<>();

        ContactBuilder(
                String identity,
                Resolution resolution,
                Optional<String> personId,
                Optional<String> name,
                Optional<String> phone) {
            this.identity = identity;
            this.resolution = resolution;
            this.personId = personId;
            this.name = name;
            this.phone = phone;
        }

        static ContactBuilder unresolved(String identity, Resolution resolution) {
            return new ContactBuilder(identity, resolution, Optional.empty(), Optional.empty(), Optional.empty());
        }

        Contact build() {
            encounters.sort(Comparator.comparing(Encounter::contactVisitAt).thenComparing(Encounter::caseVisitAt));
            return new Contact(identity, resolution, personId, name, phone, encounters);
        }
    }
}
