package io.checkpass.server.inspection;

import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.PersonId;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.compliance.VenueCompliance;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.inspection.InspectorScopes.Scope;
import io.checkpass.server.inspection.SanctionSchedule.Offender;
import io.checkpass.server.inspection.SanctionSchedule.Sanction;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import io.checkpass.server.registry.Registry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Inspections of venues by district officers: a venue's door over the last hours, an inspection with its findings,
 * the violations it found and their sanctions from the {@link SanctionSchedule}, voids of fines, and the person
 * behind a user violation looked up on the identity side. Every act is audited in the transaction that makes it,
 * and every act is held to the actor's {@link Scope}: an inspector acts on venues of their district only.
 *
 * <p>Runs on the identity side (docs/adr/0016): a user violation names a person.
 */
public final class InspectionService {
    /** The longest door window an inspector may ask for. */
    public static final Duration MAX_DOOR_WINDOW = Duration.ofHours(24);

    static final int MAX_NOTE = 1000;
    static final int MAX_REASON = 500;
    static final int MAX_USERS = 20;

    private final DataSource db;
    private final Registry registry;
    private final VenueDirectory venues;
    private final SanctionSchedule schedule;
    private final DoorEvidence door;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration doorWindow;

    /**
     * @param db         the identity side's pool
     * @param doorWindow the hours before an inspection its door summary and the degraded check look at
     */
    public InspectionService(
            DataSource db,
            Registry registry,
            VenueDirectory venues,
            SanctionSchedule schedule,
            DoorEvidence door,
            AuditLog audit,
            Clock clock,
            Duration doorWindow) {
        this.db = db;
        this.registry = registry;
        this.venues = venues;
        this.schedule = schedule;
        this.door = door;
        this.audit = audit;
        this.clock = clock;
        this.doorWindow = doorWindow;
    }

    /** The venue's door over [from, to): the summary if there is a door log, and whether the centre was degraded. */
    public record Door(
            RegisteredVenue venue,
            Instant from,
            Instant to,
            boolean doorLogAvailable,
            Optional<VenueCompliance> summary,
            boolean centreDegraded) {}

    /** A user violation as the inspector records it: the person whose ID they checked, and which ID. */
    public record UserViolation(PersonId personId, String idDocument) {}

    /** An inspection to record. {@code findings} are codes of the schedule's checklist. */
    public record NewInspection(
            String venueId, Set<String> findings, String note, List<UserViolation> users, boolean operatorViolation) {
        public NewInspection {
            findings = Set.copyOf(findings);
            users = List.copyOf(users);
        }
    }

    /** A recorded inspection with the violations it found. */
    public record Recorded(
            UUID inspectionId,
            RegisteredVenue venue,
            String inspectorId,
            Instant inspectedAt,
            List<String> findings,
            String note,
            boolean centreDegraded,
            List<Violation> violations) {}

    /** A person as an inspector compares them with an ID card. */
    public record Person(String personId, String name, LocalDate birthDate) {}

    /** The schedule in force now (the page shows amounts and the checklist from it). */
    public SanctionSchedule.Version scheduleNow() {
        return schedule.inForceAt(clock.instant())
                .orElseThrow(() -> new Refused(new Refusal.NoScheduleInForce(clock.instant())));
    }

    /** The schedule the centre sanctions by. */
    public SanctionSchedule schedule() {
        return schedule;
    }

    /** The hours before an inspection that its door summary covers. */
    public Duration doorWindow() {
        return doorWindow;
    }

    /** Venues in the scope's district (or all, for an issuer-admin) matching {@code text}. */
    public List<RegisteredVenue> search(Scope scope, String text) {
        return venues.search(scope.district().map(District::code), text);
    }

    /**
     * The venue's door over the {@code window} before now.
     *
     * @throws Refused {@link Refusal.UnknownVenue}, {@link Refusal.OutOfDistrict}
     */
    public Door door(Scope scope, String venueId, Duration window) {
        RegisteredVenue venue = venueInScope(scope, venueId);
        Instant to = clock.instant();
        Instant from = to.minus(window);
        return new Door(
                venue,
                from,
                to,
                door.available(),
                door.summary(venueId, from, to),
                door.centreDegradedDuring(from, to));
    }

    /**
     * The registry's name and birth date of a person, for the inspector to compare with the ID card; audited.
     *
     * @throws Refused {@link Refusal.UnknownPerson}
     */
    public Person person(Scope scope, PersonId personId) {
        HealthRecord record = registry.find(personId.value())
                .orElseThrow(() -> new Refused(new Refusal.UnknownPerson(personId.value())));
        audit.record(
                scope.actor(),
                "inspection-person-lookup",
                "person:" + personId.value(),
                Map.of("district", scope.district().map(District::code).orElse("all")));
        return new Person(
                personId.value(), record.person().name(), record.person().birthDate());
    }

    /**
     * Records an inspection and its violations, each sanctioned by the schedule in force now, counting the
     * offender's earlier sanctions in the schedule's window (voided ones excepted). When the centre was degraded in
     * the door window, each fine carries a suggestion to void it. All of it, and its audit entries, is one
     * transaction.
     *
     * @throws Refused {@link Refusal.UnknownVenue}, {@link Refusal.OutOfDistrict}, {@link Refusal.UnknownPerson},
     *     {@link Refusal.NoScheduleInForce}
     * @throws IllegalArgumentException for a finding not on the checklist, or a note too long
     */
    public Recorded record(Scope scope, NewInspection inspection) {
        RegisteredVenue venue = venueInScope(scope, inspection.venueId());
        Instant now = clock.instant();
        SanctionSchedule.Version version =
                schedule.inForceAt(now).orElseThrow(() -> new Refused(new Refusal.NoScheduleInForce(now)));
        for (String code : inspection.findings()) {
            if (!version.hasChecklistItem(code)) {
                throw new IllegalArgumentException(
                        "finding '" + code + "' is not on the checklist of schedule " + version.id());
            }
        }
        if (inspection.note().length() > MAX_NOTE) {
            throw new IllegalArgumentException("the note is at most " + MAX_NOTE + " characters");
        }
        if (inspection.users().size() > MAX_USERS) {
            throw new IllegalArgumentException("at most " + MAX_USERS + " user violations per inspection");
        }
        for (UserViolation u : inspection.users()) {
            if (registry.find(u.personId().value()).isEmpty()) {
                throw new Refused(new Refusal.UnknownPerson(u.personId().value()));
            }
        }
        Instant doorFrom = now.minus(doorWindow);
        boolean degraded = door.centreDegradedDuring(doorFrom, now.plusMillis(1));
        Optional<SanctionSchedule.Text> suggestion =
                degraded ? Optional.of(Violation.CENTRE_DEGRADED_TEXT) : Optional.empty();
        String district = venue.districtCode();
        UUID inspectionId = UUID.randomUUID();
        List<String> findings = inspection.findings().stream().sorted().toList();
        List<Violation> violations = Transactions.inTransaction(db, "cannot record the inspection", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    insert into identity.inspection (inspection_id, venue_id, district_code, inspector_id, inspected_at,
                        findings, note, door_from, door_to, centre_degraded)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                s.setObject(1, inspectionId);
                s.setString(2, venue.venueId());
                s.setString(3, district);
                s.setString(4, scope.actor());
                s.setTimestamp(5, Timestamp.from(now));
                s.setArray(6, c.createArrayOf("text", findings.toArray()));
                s.setString(7, inspection.note());
                s.setTimestamp(8, Timestamp.from(doorFrom));
                s.setTimestamp(9, Timestamp.from(now));
                s.setBoolean(10, degraded);
                s.executeUpdate();
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("venueId", venue.venueId());
            detail.put("findings", findings);
            detail.put("centreDegraded", degraded);
            audit.record(c, scope.actor(), "inspection", "inspection:" + inspectionId, detail);
            List<Violation> out = new ArrayList<>();
            for (UserViolation u : inspection.users()) {
                out.add(insertViolation(
                        c, scope, version, inspectionId, venue, Offender.USER, Optional.of(u), now, suggestion));
            }
            if (inspection.operatorViolation()) {
                out.add(insertViolation(
                        c, scope, version, inspectionId, venue, Offender.OPERATOR, Optional.empty(), now, suggestion));
            }
            return out;
        });
        return new Recorded(inspectionId, venue, scope.actor(), now, findings, inspection.note(), degraded, violations);
    }

    /**
     * One violation with its fine.
     *
     * @throws Refused {@link Refusal.UnknownViolation}, {@link Refusal.OutOfDistrict}
     */
    public Violation violation(Scope scope, UUID violationId) {
        try (Connection c = db.getConnection()) {
            Violation v = load(c, violationId).orElseThrow(() -> unknownViolation(violationId));
            scope.require(v.districtCode(), "violation " + violationId);
            return v;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read violation " + violationId, e);
        }
    }

    /**
     * Voids a violation's fine (and order), with a reason; audited. A void is made once.
     *
     * @throws Refused {@link Refusal.UnknownViolation}, {@link Refusal.OutOfDistrict}, {@link Refusal.AlreadyVoided}
     * @throws IllegalArgumentException for a missing or too long reason
     */
    public Violation voidFine(Scope scope, UUID violationId, String reason) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            throw new IllegalArgumentException("a void needs its reason, 1.." + MAX_REASON + " characters");
        }
        Instant now = clock.instant();
        return Transactions.inTransaction(db, "cannot void the fine", c -> {
            Violation v;
            try (PreparedStatement s = c.prepareStatement(
                    "select violation_id from identity.violation where violation_id = ? for update")) {
                s.setObject(1, violationId);
                s.executeQuery().close();
            }
            v = load(c, violationId).orElseThrow(() -> unknownViolation(violationId));
            scope.require(v.districtCode(), "violation " + violationId);
            if (v.voided().isPresent()) {
                throw new Refused(new Refusal.AlreadyVoided(
                        violationId.toString(), v.voided().get().at()));
            }
            try (PreparedStatement s = c.prepareStatement("update identity.violation"
                    + " set voided_at = ?, voided_by = ?, void_reason = ? where violation_id = ?")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setString(2, scope.actor());
                s.setString(3, why);
                s.setObject(4, violationId);
                s.executeUpdate();
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("reason", why);
            detail.put("fineKrw", v.fineKrw());
            detail.put("suggested", v.voidSuggested().isPresent());
            audit.record(c, scope.actor(), "fine-void", "violation:" + violationId, detail);
            return load(c, violationId).orElseThrow();
        });
    }

    // ------------------------------------------------------------------------------------------------------------

    private RegisteredVenue venueInScope(Scope scope, String venueId) {
        RegisteredVenue venue = venues.find(venueId).orElseThrow(() -> new Refused(new Refusal.UnknownVenue(venueId)));
        scope.require(venue.districtCode(), "venue " + venueId);
        return venue;
    }

    private static Refused unknownViolation(UUID id) {
        return new Refused(new Refusal.UnknownViolation(id.toString()));
    }

    private Violation insertViolation(
            Connection c,
            Scope scope,
            SanctionSchedule.Version version,
            UUID inspectionId,
            RegisteredVenue venue,
            Offender offender,
            Optional<UserViolation> user,
            Instant at,
            Optional<SanctionSchedule.Text> suggestion)
            throws SQLException {
        String offenderKey = user.map(u -> "person:" + u.personId().value()).orElse("venue:" + venue.venueId());
        // Two inspections of one offender at once must not both count the same earlier violations.
        try (PreparedStatement s = c.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
            s.setString(1, "violation " + offenderKey);
            s.execute();
        }
        int earlier;
        try (PreparedStatement s = c.prepareStatement(
                offender == Offender.USER
                        ? "select count(*) from identity.violation where kind = 'user' and person_id = ?"
                                + " and occurred_at >= ? and occurred_at < ? and voided_at is null"
                        : "select count(*) from identity.violation where kind = 'operator' and venue_id = ?"
                                + " and occurred_at >= ? and occurred_at < ? and voided_at is null")) {
            s.setString(1, user.map(u -> u.personId().value()).orElse(venue.venueId()));
            s.setTimestamp(2, Timestamp.from(version.repeatWindowStart(at)));
            s.setTimestamp(3, Timestamp.from(at));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                earlier = r.getInt(1);
            }
        }
        Sanction sanction = version.sanction(offender, earlier + 1);
        UUID id = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("""
                insert into identity.violation (violation_id, inspection_id, kind, venue_id, district_code, person_id,
                    id_document, occurred_at, schedule_version, repeat_number, fine_krw, order_code, order_period,
                    void_suggested)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setObject(1, id);
            s.setObject(2, inspectionId);
            s.setString(3, offender.id());
            s.setString(4, venue.venueId());
            s.setString(5, venue.districtCode());
            s.setString(6, user.map(u -> u.personId().value()).orElse(null));
            s.setString(7, user.map(UserViolation::idDocument).orElse(null));
            s.setTimestamp(8, Timestamp.from(at));
            s.setString(9, sanction.scheduleVersion());
            s.setInt(10, sanction.repeatNumber());
            s.setLong(11, sanction.fineKrw());
            s.setString(12, sanction.order().map(SanctionSchedule.Order::code).orElse(null));
            s.setString(
                    13,
                    sanction.order()
                            .flatMap(SanctionSchedule.Order::period)
                            .map(Period::toString)
                            .orElse(null));
            s.setString(14, suggestion.isPresent() ? Violation.CENTRE_DEGRADED : null);
            s.executeUpdate();
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("kind", offender.id());
        detail.put("venueId", venue.venueId());
        user.ifPresent(u -> detail.put("idDocument", u.idDocument()));
        detail.put("repeatNumber", sanction.repeatNumber());
        detail.put("fineKrw", sanction.fineKrw());
        sanction.order().ifPresent(o -> detail.put("order", o.code()));
        detail.put("voidSuggested", suggestion.isPresent());
        // The subject names the person for a user violation: the audit log's pseudonymisation covers it later.
        audit.record(c, scope.actor(), "violation", offenderKey, detail);
        return load(c, id).orElseThrow();
    }

    private static Optional<Violation> load(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select * from identity.violation where violation_id = ?")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Timestamp voidedAt = r.getTimestamp("voided_at");
                return Optional.of(new Violation(
                        r.getObject("violation_id", UUID.class),
                        r.getObject("inspection_id", UUID.class),
                        Offender.valueOf(r.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                        r.getString("venue_id"),
                        r.getString("district_code"),
                        Optional.ofNullable(r.getString("person_id")),
                        Optional.ofNullable(r.getString("id_document")),
                        r.getTimestamp("occurred_at").toInstant(),
                        r.getString("schedule_version"),
                        r.getInt("repeat_number"),
                        r.getLong("fine_krw"),
                        Optional.ofNullable(r.getString("order_code")),
                        Optional.ofNullable(r.getString("order_period")).map(Period::parse),
                        Optional.ofNullable(r.getString("void_suggested")).map(code -> Violation.CENTRE_DEGRADED_TEXT),
                        voidedAt == null
                                ? Optional.empty()
                                : Optional.of(new Violation.Voided(
                                        voidedAt.toInstant(), r.getString("voided_by"), r.getString("void_reason")))));
            }
        }
    }
}
