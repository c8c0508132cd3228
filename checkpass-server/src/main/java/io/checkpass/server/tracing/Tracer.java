package io.checkpass.server.tracing;

import io.checkpass.server.db.Transactions;
import io.checkpass.server.audit.PostgresAuditLog;
import io.checkpass.server.tracing.TraceRequest.Subject;
import io.checkpass.server.tracing.TraceResult.CaseVisit;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import io.checkpass.server.tracing.TraceResult.Resolution;
import io.checkpass.server.visits.CheckIn.Channel;
import io.checkpass.server.visits.ContactCipher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contact tracing over the visit log (design §3.5, §7). The visit log holds rotating serials and sealed contacts;
 * this is the one place they are joined to persons: through the issuance ledger for serials, by decrypting for
 * calls and manual entries. Each trace runs in one repeatable-read transaction that also writes its audit
 * entries — one {@code trace} entry for the request and one {@code trace-resolve} entry per resolved identity —
 * so contact details leave this class only when their audit entries have committed.
 *
 * <p>Presence model: a check-in at t means present during [t, t + dwell). Two check-ins at the same venue
 * overlap when their times differ by less than the dwell; the overlap lasts dwell − |difference|.
 */
public final class Tracer {
    private static final Logger log = LoggerFactory.getLogger(Tracer.class);
    private static final HexFormat HEX = HexFormat.of();
    /** The longest a credential lives (issuance.credential-lifetime ≤ P7D): older serials cannot be in the window. */
    static final Duration LEDGER_LOOKBACK = Duration.ofDays(7);
    /** 64 bits of the contact HMAC name a contact in the audit log without revealing the number. */
    private static final int HMAC_PREFIX_BYTES = 8;
    private static final int STATEMENT_TIMEOUT_MS = 30_000;

    /** Registry phones are free text; this is {@link ContactCipher#normalisePhone} in SQL, minus its length check. */
    private static final String NORMALISED_PHONE =
            "replace(regexp_replace(regexp_replace(phone, '[^0-9+]', '', 'g'), '^\\+82', '0'), '+', '')";

    /**
     * How much one trace may return, so a trace over a stadium day cannot exhaust memory or flood the audit log.
     *
     * @param caseVisits    the case's own check-ins in the window
     * @param contactVisits co-visitor check-ins (pairs of case visit and co-visit)
     */
    public record Bounds(int caseVisits, int contactVisits) {
        public static final Bounds DEFAULT = new Bounds(1_000, 20_000);

        public Bounds {
            if (caseVisits < 1 || contactVisits < 1) {
                throw new IllegalArgumentException("trace bounds must be positive, got " + caseVisits + " and " + contactVisits);
            }
        }
    }

    private final DataSource db;
    private final ContactCipher cipher;
    private final PostgresAuditLog audit;
    private final Clock clock;
    private final int defaultDwellMinutes;
    private final Bounds bounds;

    /**
     * @param defaultDwell the dwell when a request names none: whole minutes, 1..720 (config {@code tracing.dwell})
     */
    public Tracer(DataSource db, ContactCipher cipher, PostgresAuditLog audit, Clock clock, Duration defaultDwell) {
        this(db, cipher, audit, clock, defaultDwell, Bounds.DEFAULT);
    }

    public Tracer(DataSource db, ContactCipher cipher, PostgresAuditLog audit, Clock clock, Duration defaultDwell, Bounds bounds) {
        if (defaultDwell.toSecondsPart() != 0 || defaultDwell.toNanosPart() != 0) {
            throw new IllegalArgumentException("the default dwell must be whole minutes, got " + defaultDwell);
        }
        this.defaultDwellMinutes = TraceRequest.checkDwell((int) Math.min(Integer.MAX_VALUE, defaultDwell.toMinutes()));
        this.db = db;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
        this.bounds = bounds;
    }

    /**
     * Runs a trace and audits it.
     *
     * @throws TraceRefused when the person is unknown or the trace would exceed the bounds (the refusal is audited)
     */
    public TraceResult trace(TraceRequest request) {
        Duration dwell = Duration.ofMinutes(request.dwellMinutes().orElse(defaultDwellMinutes));
        UUID traceId = UUID.randomUUID();
        Instant tracedAt = clock.instant();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("set local statement_timeout = " + STATEMENT_TIMEOUT_MS);
                }
                Trace trace = new Trace(c, request, traceId, dwell);
                TraceResult result = trace.run(tracedAt);
                c.commit();
                log.info("trace {} for case '{}' by {}: {} case visits, {} co-visitor identities ({} resolved)", traceId, request.caseId(),
                        request.tracerId(), result.caseVisits().size(), result.contacts().size(),
                        result.contacts().stream().filter(k -> k.resolution().resolved()).count());
                return result;
            } catch (TraceRefused e) {
                c.commit(); // the refusal's audit entry
                throw e;
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("trace for case '" + request.caseId() + "' failed: " + e.getMessage(), e);
        }
    }

    /** Who the case is: what selects its visits, and what marks a co-visit as the case's own. */
    private record CaseIdentity(String subject, Set<String> persons, List<byte[]> serials, List<byte[]> hmacs, List<byte[]> ownHmacs) {}

    /** One co-visit row of the SQL join. */
    private record CoVisit(CaseVisit caseVisit, UUID checkinId, Instant at, Channel channel, byte[] serial, String passRef,
            byte[] contactHmac, byte[] contactSealed, String verdict, String personId, String personName, String personPhone) {}

    /** One trace on one connection. */
    private final class Trace {
        private final Connection c;
        private final TraceRequest request;
        private final UUID traceId;
        private final Duration dwell;

        Trace(Connection c, TraceRequest request, UUID traceId, Duration dwell) {
            this.c = c;
            this.request = request;
            this.traceId = traceId;
            this.dwell = dwell;
        }

        TraceResult run(Instant tracedAt) throws SQLException {
            CaseIdentity self = identify();
            List<CaseVisit> caseVisits = caseVisits(self);
            if (caseVisits.size() > bounds.caseVisits()) {
                throw refuse(self, TraceRefused.Why.TOO_MANY_VISITS, "the case has more than " + bounds.caseVisits()
                        + " check-ins in the window; trace a shorter window");
            }
            List<CoVisit> rows = coVisits(self, caseVisits);
            if (rows.size() > bounds.contactVisits()) {
                throw refuse(self, TraceRefused.Why.TOO_MANY_VISITS, "the case's visits overlap more than " + bounds.contactVisits()
                        + " other check-ins; trace a shorter window or a shorter dwell");
            }
            List<Contact> contacts = resolve(rows);
            long resolved = contacts.stream().filter(k -> k.resolution().resolved()).count();
            Map<String, Object> detail = requestDetail();
            detail.put("outcome", "done");
            detail.put("caseVisits", caseVisits.size());
            detail.put("resolved", resolved);
            detail.put("unresolved", contacts.size() - resolved);
            audit.record(c, request.tracerId(), "trace", self.subject(), detail);
            for (Contact contact : contacts) {
                if (contact.resolution().resolved()) {
                    audit.record(c, request.tracerId(), "trace-resolve", contact.identity(), resolveDetail(contact));
                }
            }
            return new TraceResult(traceId, tracedAt, request, dwell, caseVisits, contacts);
        }

        private TraceRefused refuse(CaseIdentity self, TraceRefused.Why why, String message) throws SQLException {
            Map<String, Object> detail = requestDetail();
            detail.put("outcome", "refused: " + why.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            audit.record(c, request.tracerId(), "trace", self == null ? subjectOf(request.subject()) : self.subject(), detail);
            return new TraceRefused(why, message);
        }

        private Map<String, Object> requestDetail() {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("traceId", traceId.toString());
            detail.put("caseId", request.caseId());
            detail.put("reason", request.reason());
            detail.put("from", request.from().toString());
            detail.put("to", request.to().toString());
            detail.put("dwellMinutes", dwell.toMinutes());
            return detail;
        }

        private Map<String, Object> resolveDetail(Contact contact) {
            List<Map<String, Object>> visits = new ArrayList<>();
            for (Encounter e : contact.encounters()) {
                visits.add(Map.of("venueId", e.venueId(), "caseVisitAt", e.caseVisitAt().toString(),
                        "contactVisitAt", e.contactVisitAt().toString(), "channel", e.channel().name()));
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("traceId", traceId.toString());
            detail.put("caseId", request.caseId());
            detail.put("reason", request.reason());
            detail.put("resolution", contact.resolution().id());
            detail.put("visits", visits);
            return detail;
        }

        private CaseIdentity identify() throws SQLException {
            return switch (request.subject()) {
                case Subject.Person p -> {
                    Optional<Optional<String>> phone = personPhone(p.personId());
                    if (phone.isEmpty()) {
                        throw refuse(null, TraceRefused.Why.UNKNOWN_PERSON, "the registry holds no person '" + p.personId() + "'");
                    }
                    List<byte[]> hmacs = phone.get().flatMap(Tracer.this::hmacOf).map(List::of).orElse(List.of());
                    Set<String> persons = Set.of(p.personId());
                    yield new CaseIdentity(subjectOf(p), persons, serialsOf(persons), hmacs, hmacs);
                }
                case Subject.Pass s -> {
                    Set<String> persons = new LinkedHashSet<>();
                    List<byte[]> ownHmacs = new ArrayList<>();
                    try (PreparedStatement q = c.prepareStatement(
                            "select i.person_id, p.phone from issuance i join person p using (person_id) where i.serial = ?")) {
                        q.setBytes(1, s.serial().bytes());
                        try (ResultSet r = q.executeQuery()) {
                            while (r.next()) {
                                persons.add(r.getString(1));
                                hmacOf(r.getString(2)).ifPresent(ownHmacs::add);
                            }
                        }
                    }
                    // Only this serial's visits are the case's; the holder's other passes and calls are still not co-visitors.
                    yield new CaseIdentity(subjectOf(s), persons, List.of(s.serial().bytes()), List.of(), ownHmacs);
                }
                case Subject.Phone ph -> {
                    Set<String> persons = new LinkedHashSet<>();
                    try (PreparedStatement q = c.prepareStatement("select person_id from person where " + NORMALISED_PHONE + " = ?")) {
                        q.setString(1, ph.number());
                        try (ResultSet r = q.executeQuery()) {
                            while (r.next()) {
                                persons.add(r.getString(1));
                            }
                        }
                    }
                    List<byte[]> hmacs = List.of(cipher.hmac(ph.number()));
                    yield new CaseIdentity(subjectOf(ph), persons, serialsOf(persons), hmacs, hmacs);
                }
            };
        }

        /** Empty when the person does not exist; else their phone, if the registry has one. */
        private Optional<Optional<String>> personPhone(String personId) throws SQLException {
            try (PreparedStatement q = c.prepareStatement("select phone from person where person_id = ?")) {
                q.setString(1, personId);
                try (ResultSet r = q.executeQuery()) {
                    return r.next() ? Optional.of(Optional.ofNullable(r.getString(1))) : Optional.empty();
                }
            }
        }

        /** The serials the ledger issued to these persons that could have been shown in the window. */
        private List<byte[]> serialsOf(Set<String> persons) throws SQLException {
            List<byte[]> serials = new ArrayList<>();
            if (persons.isEmpty()) {
                return serials;
            }
            try (PreparedStatement q = c.prepareStatement(
                    "select serial from issuance where person_id = any(?) and issued_at >= ? and issued_at < ?")) {
                q.setArray(1, c.createArrayOf("text", persons.toArray()));
                q.setTimestamp(2, Timestamp.from(request.from().minus(LEDGER_LOOKBACK)));
                q.setTimestamp(3, Timestamp.from(request.to()));
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        serials.add(r.getBytes(1));
                    }
                }
            }
            return serials;
        }

        private List<CaseVisit> caseVisits(CaseIdentity self) throws SQLException {
            List<CaseVisit> visits = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("""
                    select k.checkin_id, k.venue_id, v.name, k.scanned_at, k.channel
                    from checkin k left join venue v on v.venue_id = k.venue_id
                    where k.scanned_at >= ? and k.scanned_at < ? and (k.serial = any(?) or k.contact_hmac = any(?))
                    order by k.scanned_at, k.checkin_id
                    limit ?""")) {
                q.setTimestamp(1, Timestamp.from(request.from()));
                q.setTimestamp(2, Timestamp.from(request.to()));
                q.setArray(3, c.createArrayOf("bytea", self.serials().toArray(byte[][]::new)));
                q.setArray(4, c.createArrayOf("bytea", self.hmacs().toArray(byte[][]::new)));
                q.setInt(5, bounds.caseVisits() + 1);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        visits.add(new CaseVisit(r.getObject(1, UUID.class), r.getString(2), Optional.ofNullable(r.getString(3)),
                                r.getTimestamp(4).toInstant(), Channel.valueOf(r.getString(5))));
                    }
                }
            }
            return visits;
        }

        /**
         * Every other check-in at a case visit's venue within the dwell of it, in one query that walks
         * {@code checkin_venue_time} once per case visit. The outer time bounds let the planner skip partitions.
         */
        private List<CoVisit> coVisits(CaseIdentity self, List<CaseVisit> caseVisits) throws SQLException {
            List<CoVisit> rows = new ArrayList<>();
            if (caseVisits.isEmpty()) {
                return rows;
            }
            Map<UUID, CaseVisit> byId = new LinkedHashMap<>();
            caseVisits.forEach(v -> byId.put(v.checkinId(), v));
            Instant first = caseVisits.getFirst().at();
            Instant last = caseVisits.getLast().at();
            try (PreparedStatement q = c.prepareStatement("""
                    select cv.checkin_id, o.checkin_id, o.scanned_at, o.channel, o.serial, o.pass_ref, o.contact_hmac, o.contact_enc,
                           o.verdict, i.person_id, p.name, p.phone
                    from unnest(?::uuid[], ?::text[], ?::timestamptz[]) as cv (checkin_id, venue_id, at)
                    join checkin o on o.venue_id = cv.venue_id
                                  and o.scanned_at > cv.at - ? * interval '1 minute'
                                  and o.scanned_at < cv.at + ? * interval '1 minute'
                    left join issuance i on i.serial = o.serial
                    left join person p on p.person_id = i.person_id
                    where o.scanned_at > ? and o.scanned_at < ?
                      and (o.serial is null or not o.serial = any(?))
                      and (o.contact_hmac is null or not o.contact_hmac = any(?))
                      and (i.person_id is null or not i.person_id = any(?))
                    order by o.scanned_at, o.checkin_id, cv.at
                    limit ?""")) {
                q.setArray(1, c.createArrayOf("uuid", caseVisits.stream().map(CaseVisit::checkinId).toArray()));
                q.setArray(2, c.createArrayOf("text", caseVisits.stream().map(CaseVisit::venueId).toArray()));
                q.setArray(3, c.createArrayOf("timestamptz", caseVisits.stream().map(v -> Timestamp.from(v.at())).toArray()));
                q.setLong(4, dwell.toMinutes());
                q.setLong(5, dwell.toMinutes());
                q.setTimestamp(6, Timestamp.from(first.minus(dwell)));
                q.setTimestamp(7, Timestamp.from(last.plus(dwell)));
                q.setArray(8, c.createArrayOf("bytea", self.serials().toArray(byte[][]::new)));
                q.setArray(9, c.createArrayOf("bytea", self.ownHmacs().toArray(byte[][]::new)));
                q.setArray(10, c.createArrayOf("text", self.persons().toArray()));
                q.setInt(11, bounds.contactVisits() + 1);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        rows.add(new CoVisit(byId.get(r.getObject(1, UUID.class)), r.getObject(2, UUID.class), r.getTimestamp(3).toInstant(),
                                Channel.valueOf(r.getString(4)), r.getBytes(5), r.getString(6), r.getBytes(7), r.getBytes(8), r.getString(9),
                                r.getString(10), r.getString(11), r.getString(12)));
                    }
                }
            }
            return rows;
        }

        /** Groups co-visits by identity and turns each identity into contact details where it can. */
        private List<Contact> resolve(List<CoVisit> rows) {
            Map<String, ContactBuilder> byIdentity = new LinkedHashMap<>();
            for (CoVisit row : rows) {
                ContactBuilder contact = identityOf(row, byIdentity);
                CaseVisit cv = row.caseVisit();
                Duration apart = Duration.between(cv.at(), row.at()).abs();
                contact.encounters.add(new Encounter(cv.venueId(), cv.venueName(), cv.checkinId(), cv.at(), row.checkinId(), row.at(),
                        row.channel(), Optional.ofNullable(row.verdict()), dwell.minus(apart)));
            }
            return byIdentity.values().stream().map(ContactBuilder::build)
                    .sorted(Comparator.comparing((Contact k) -> rank(k.resolution()))
                            .thenComparing(k -> k.encounters().getFirst().contactVisitAt())
                            .thenComparing(Contact::identity))
                    .toList();
        }

        private ContactBuilder identityOf(CoVisit row, Map<String, ContactBuilder> byIdentity) {
            if (row.serial() != null) {
                if (row.personId() != null) {
                    return byIdentity.computeIfAbsent("person:" + row.personId(), id -> new ContactBuilder(id, Resolution.LEDGER,
                            Optional.of(row.personId()), Optional.ofNullable(row.personName()), Optional.ofNullable(row.personPhone()).map(Tracer::tidyPhone)));
                }
                return byIdentity.computeIfAbsent("serial:" + HEX.formatHex(row.serial()), id -> ContactBuilder.unresolved(id, Resolution.NOT_IN_LEDGER));
            }
            if (row.contactHmac() != null) {
                String identity = "contact:" + HEX.formatHex(row.contactHmac(), 0, HMAC_PREFIX_BYTES);
                Optional<ContactCipher.Contact> opened = open(row);
                if (opened.isEmpty()) {
                    return byIdentity.computeIfAbsent("checkin:" + row.checkinId(), id -> ContactBuilder.unresolved(id, Resolution.UNDECRYPTABLE));
                }
                ContactBuilder contact = byIdentity.computeIfAbsent(identity, id -> new ContactBuilder(id, Resolution.CONTACT,
                        Optional.empty(), Optional.empty(), Optional.of(opened.get().phone())));
                if (contact.name.isEmpty()) {
                    contact.name = opened.get().name();
                }
                return contact;
            }
            if (row.passRef() != null) {
                return byIdentity.computeIfAbsent("pass-ref:" + row.passRef(), id -> ContactBuilder.unresolved(id, Resolution.FOREIGN_PASS));
            }
            return byIdentity.computeIfAbsent("checkin:" + row.checkinId(), id -> ContactBuilder.unresolved(id, Resolution.NO_IDENTIFIER));
        }

        private Optional<ContactCipher.Contact> open(CoVisit row) {
            if (row.contactSealed() == null) {
                log.warn("trace {}: check-in {} has a contact HMAC but no sealed contact", traceId, row.checkinId());
                return Optional.empty();
            }
            try {
                return Optional.of(cipher.open(row.contactSealed(), row.contactHmac()));
            } catch (IllegalStateException e) {
                log.warn("trace {}: the contact of check-in {} does not decrypt; reported unresolved", traceId, row.checkinId());
                return Optional.empty();
            }
        }
    }

    private static int rank(Resolution resolution) {
        return switch (resolution) {
            case LEDGER -> 0;
            case CONTACT -> 1;
            case NOT_IN_LEDGER, FOREIGN_PASS, NO_IDENTIFIER, UNDECRYPTABLE -> 2;
        };
    }

    /** A contact while its encounters are collected. */
    private static final class ContactBuilder {
        final String identity;
        final Resolution resolution;
        final Optional<String> personId;
        Optional<String> name;
        final Optional<String> phone;
        final List<Encounter> encounters = new ArrayList<>();

        ContactBuilder(String identity, Resolution resolution, Optional<String> personId, Optional<String> name, Optional<String> phone) {
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

    private Optional<byte[]> hmacOf(String phone) {
        if (phone == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(cipher.hmac(phone));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a registry phone that is no number cannot match a call
        }
    }

    private String subjectOf(Subject subject) {
        return switch (subject) {
            case Subject.Person p -> "person:" + p.personId();
            case Subject.Pass s -> "serial:" + s.serial().hex();
            case Subject.Phone ph -> "contact:" + HEX.formatHex(cipher.hmac(ph.number()), 0, HMAC_PREFIX_BYTES);
        };
    }

    /** Registry phones are free text: report them normalised when they are a number, as stored when not. */
    private static String tidyPhone(String phone) {
        try {
            return ContactCipher.normalisePhone(phone);
        } catch (IllegalArgumentException e) {
            return phone;
        }
    }
}
