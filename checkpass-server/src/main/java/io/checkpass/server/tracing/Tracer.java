package io.checkpass.server.tracing;

import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.tracing.ContactResolver.CoVisit;
import io.checkpass.server.tracing.TraceQueries.RegisteredPhone;
import io.checkpass.server.tracing.TraceRequest.Subject;
import io.checkpass.server.tracing.TraceResult.CaseVisit;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import io.checkpass.server.visits.ContactCipher;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contact tracing over the visit log (docs/tracing.md). The visit log holds rotating serials and sealed contacts;
 * this is the one place they are joined to persons: through the issuance ledger for serials, by decrypting for
 * calls and manual entries. The two sides are two database roles (docs/adr/0016), so a trace holds two connections,
 * each in a repeatable-read transaction: it asks the visits side for the check-ins (serials, sealed contacts), then
 * the identity side for the persons of those serials — two steps, never a join. The identity side's transaction
 * also writes the audit entries — one {@code trace} entry for the request and one {@code trace-resolve} entry per
 * resolved identity — so contact details leave this class only when their audit entries have committed.
 *
 * <p>The work is split three ways: {@link TraceQueries} holds the SQL, {@link ContactResolver} turns co-visit rows
 * into contacts without a database, and this class decides who the case is, enforces the bounds and audits.
 *
 * <p>Presence model: a check-in at t means present during [t, t + dwell). Two check-ins at the same venue
 * overlap when their times differ by less than the dwell; the overlap lasts dwell − |difference|.
 */
public final class Tracer {
    private static final Logger log = LoggerFactory.getLogger(Tracer.class);
    private static final int STATEMENT_TIMEOUT_MS = 30_000;

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
                throw new IllegalArgumentException(
                        "trace bounds must be positive, got " + caseVisits + " and " + contactVisits);
            }
        }
    }

    private final DataSource identity;
    private final DataSource visits;
    private final ContactCipher cipher;
    private final ContactResolver resolver;
    private final AuditLog audit;
    private final Clock clock;
    private final int defaultDwellMinutes;
    private final Bounds bounds;

    /**
     * @param identity     the identity role's pool: registry, ledger, and the audit entries
     * @param visits       the visits role's pool: the visit log
     * @param defaultDwell the dwell when a request names none: whole minutes, 1..720 (config {@code tracing.dwell})
     */
    public Tracer(
            DataSource identity,
            DataSource visits,
            ContactCipher cipher,
            AuditLog audit,
            Clock clock,
            Duration defaultDwell) {
        this(identity, visits, cipher, audit, clock, defaultDwell, Bounds.DEFAULT);
    }

    public Tracer(
            DataSource identity,
            DataSource visits,
            ContactCipher cipher,
            AuditLog audit,
            Clock clock,
            Duration defaultDwell,
            Bounds bounds) {
        if (defaultDwell.toSecondsPart() != 0 || defaultDwell.toNanosPart() != 0) {
            throw new IllegalArgumentException("the default dwell must be whole minutes, got " + defaultDwell);
        }
        this.defaultDwellMinutes = TraceRequest.checkDwell((int) Math.min(Integer.MAX_VALUE, defaultDwell.toMinutes()));
        this.identity = identity;
        this.visits = visits;
        this.cipher = cipher;
        this.resolver = new ContactResolver(cipher);
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
        // Always the identity side first, then the visits side: no two traces wait on each other's pools.
        try (Connection c = identity.getConnection();
                Connection v = visits.getConnection()) {
            begin(c);
            begin(v);
            try {
                Trace trace = new Trace(c, v, request, traceId, dwell);
                TraceResult result = trace.run(tracedAt);
                v.commit();
                c.commit();
                log.info(
                        "trace {} for case '{}' by {}: {} case visits, {} co-visitor identities ({} resolved)",
                        traceId,
                        request.caseId(),
                        request.tracerId(),
                        result.caseVisits().size(),
                        result.contacts().size(),
                        result.contacts().stream()
                                .filter(k -> k.resolution().resolved())
                                .count());
                return result;
            } catch (TraceRefused e) {
                v.commit();
                c.commit(); // the refusal's audit entry
                throw e;
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(v, e);
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("trace for case '" + request.caseId() + "' failed: " + e.getMessage(), e);
        }
    }

    private static void begin(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement()) {
            s.execute("set local statement_timeout = " + STATEMENT_TIMEOUT_MS);
        }
    }

    /** Who the case is: what selects its visits, and what marks a co-visit as the case's own. */
    private record CaseIdentity(
            String subject, Set<String> persons, List<byte[]> serials, List<byte[]> hmacs, List<byte[]> ownHmacs) {}

    /** One trace on its two connections; {@code c}, the identity side's, carries the audit entries. */
    private final class Trace {
        private final Connection c;
        private final TraceQueries queries;
        private final TraceRequest request;
        private final UUID traceId;
        private final Duration dwell;

        Trace(Connection c, Connection v, TraceRequest request, UUID traceId, Duration dwell) {
            this.c = c;
            this.queries = new TraceQueries(c, v);
            this.request = request;
            this.traceId = traceId;
            this.dwell = dwell;
        }

        TraceResult run(Instant tracedAt) throws SQLException {
            CaseIdentity self = identify();
            List<CaseVisit> caseVisits = queries.visitsOf(
                    self.serials(), self.hmacs(), request.from(), request.to(), bounds.caseVisits() + 1);
            if (caseVisits.size() > bounds.caseVisits()) {
                throw refuse(
                        self.subject(),
                        TraceRefused.Why.TOO_MANY_VISITS,
                        "the case has more than " + bounds.caseVisits()
                                + " check-ins in the window; trace a shorter window");
            }
            // Step 1, the visits side: co-visits, minus every serial of the case's own persons (asked of the ledger).
            List<byte[]> ownSerials = new ArrayList<>(self.serials());
            ownSerials.addAll(queries.allSerialsOf(self.persons()));
            List<CoVisit> rows =
                    queries.coVisits(caseVisits, dwell, ownSerials, self.ownHmacs(), bounds.contactVisits() + 1);
            if (rows.size() > bounds.contactVisits()) {
                throw refuse(
                        self.subject(),
                        TraceRefused.Why.TOO_MANY_VISITS,
                        "the case's visits overlap more than " + bounds.contactVisits()
                                + " other check-ins; trace a shorter window or a shorter dwell");
            }
            // Step 2, the identity side: the persons of the co-visitors' serials.
            List<Contact> contacts = resolver.resolve(traceId, dwell, queries.withHolders(rows, self.persons()));
            long resolved =
                    contacts.stream().filter(k -> k.resolution().resolved()).count();
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

        private TraceRefused refuse(String subject, TraceRefused.Why why, String message) throws SQLException {
            Map<String, Object> detail = requestDetail();
            detail.put(
                    "outcome", "refused: " + why.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            audit.record(c, request.tracerId(), "trace", subject, detail);
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
                visits.add(Map.of(
                        "venueId",
                        e.venueId(),
                        "caseVisitAt",
                        e.caseVisitAt().toString(),
                        "contactVisitAt",
                        e.contactVisitAt().toString(),
                        "channel",
                        e.channel().name()));
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
            String subject = subjectOf(request.subject());
            return switch (request.subject()) {
                case Subject.Person p -> {
                    List<byte[]> hmacs = switch (queries.phoneOf(p.personId())) {
                        case RegisteredPhone.NoSuchPerson none ->
                            throw refuse(
                                    subject,
                                    TraceRefused.Why.UNKNOWN_PERSON,
                                    "the registry holds no person '" + p.personId() + "'");
                        case RegisteredPhone.NoPhone none -> List.of();
                        case RegisteredPhone.Phone phone ->
                            hmacOf(phone.asStored()).map(List::of).orElse(List.of());
                    };
                    Set<String> persons = Set.of(p.personId().value());
                    yield new CaseIdentity(subject, persons, serialsOf(persons), hmacs, hmacs);
                }
                case Subject.Pass s -> {
                    Map<String, Optional<String>> holders = queries.holdersOf(s.serial());
                    List<byte[]> ownHmacs = new ArrayList<>();
                    holders.values()
                            .forEach(phone -> phone.flatMap(Tracer.this::hmacOf).ifPresent(ownHmacs::add));
                    // Only this serial's visits are the case's; the holder's other passes and calls are still not
                    // co-visitors.
                    yield new CaseIdentity(
                            subject,
                            new LinkedHashSet<>(holders.keySet()),
                            List.of(s.serial().bytes()),
                            List.of(),
                            ownHmacs);
                }
                case Subject.Phone ph -> {
                    Set<String> persons = queries.personsWithPhone(ph.number());
                    List<byte[]> hmacs = List.of(cipher.hmac(ph.number()));
                    yield new CaseIdentity(subject, persons, serialsOf(persons), hmacs, hmacs);
                }
            };
        }

        /**
         * The serials the ledger issued to these persons that could have been shown in the window: alive at some
         * moment of it. A printed pass lives for its status window, so no fixed look-back would do.
         */
        private List<byte[]> serialsOf(Set<String> persons) throws SQLException {
            return queries.serialsIssuedTo(persons, request.from(), request.to());
        }
    }

    /** A registry phone's lookup value; empty when the registry's free text is no number, which then matches no call. */
    private Optional<byte[]> hmacOf(String registryPhone) {
        return PhoneNumber.parse(registryPhone).number().map(cipher::hmac);
    }

    private String subjectOf(Subject subject) {
        return switch (subject) {
            case Subject.Person p -> "person:" + p.personId().value();
            case Subject.Pass s -> "serial:" + s.serial().hex();
            case Subject.Phone ph -> ContactResolver.contactIdentity(cipher.hmac(ph.number()));
        };
    }
}
