package io.checkpass.server.trust;

import io.checkpass.core.pass.Serial;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Revokes credentials by serial or by person, audits it in the same transaction, and publishes a new trust
 * bundle so scanners learn of it at their next refresh.
 */
public final class RevocationService {
    private final DataSource db;
    private final AuditLog audit;
    private final TrustBundleService bundles;
    private final Clock clock;

    public RevocationService(DataSource db, AuditLog audit, TrustBundleService bundles, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.bundles = bundles;
        this.clock = clock;
    }

    /** What a revocation did. */
    public record Revoked(List<String> serials, long bundleVersion) {}

    /**
     * Revokes one credential.
     *
     * @throws Refused ({@link Refusal.NothingToRevoke}) if the ledger never issued the serial (or it has been purged with its expiry)
     */
    public Revoked revokeSerial(String actor, Serial serial, String reason) {
        return revoke(
                actor,
                "serial",
                serial.hex(),
                reason,
                "select serial, person_id, expires_at from issuance where serial = ? and expires_at > ?",
                s -> s.setBytes(1, serial.bytes()));
    }

    /**
     * Revokes a person: every unexpired credential of theirs, and every credential the centre would issue them, on
     * any device or as a printed pass, until the revocation is lifted ({@link #liftPerson}).
     *
     * @throws Refused ({@link Refusal.UnknownPerson}) if the registry holds no such person
     */
    public Revoked revokePerson(String actor, String personId, String reason) {
        return revoke(
                actor,
                "person",
                personId,
                reason,
                "select serial, person_id, expires_at from issuance where person_id = ? and expires_at > ?",
                s -> s.setString(1, personId));
    }

    /**
     * Lifts the revocation of a person: issuance resumes. The revoked serials stay revoked (the bundle keeps listing
     * them until they expire); the person gets new ones.
     *
     * @throws Refused ({@link Refusal.NotRevoked}) if no revocation of the person is in force
     */
    public void liftPerson(String actor, String personId, String reason) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lift = c.prepareStatement("""
                    update person_revocation set lifted_at = ?, lifted_by = ?, lift_reason = ?
                    where person_id = ? and lifted_at is null""")) {
                lift.setTimestamp(1, Timestamp.from(clock.instant()));
                lift.setString(2, actor);
                lift.setString(3, reason);
                lift.setString(4, personId);
                if (lift.executeUpdate() == 0) {
                    c.rollback();
                    throw new Refused(new Refusal.NotRevoked(personId));
                }
                audit.record(c, actor, "revocation-lift", "person:" + personId, Map.of("reason", reason));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lift the revocation of person " + personId, e);
        }
    }

    /** Records the person's revocation unless one is in force already. */
    private static void revokePersonRow(Connection c, String personId, String reason, Instant now, String actor)
            throws SQLException {
        try (PreparedStatement known = c.prepareStatement("select 1 from person where person_id = ?")) {
            known.setString(1, personId);
            try (ResultSet r = known.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(new Refusal.UnknownPerson(personId));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                insert into person_revocation (person_id, reason, revoked_at, revoked_by) values (?, ?, ?, ?)
                on conflict (person_id) where lifted_at is null do nothing""")) {
            s.setString(1, personId);
            s.setString(2, reason);
            s.setTimestamp(3, Timestamp.from(now));
            s.setString(4, actor);
            s.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private Revoked revoke(String actor, String kind, String subject, String reason, String select, Binder binder) {
        Instant now = clock.instant();
        List<String> serials = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement find = c.prepareStatement(select);
                    PreparedStatement insert = c.prepareStatement("""
                            insert into revocation (serial, person_id, reason, revoked_at, revoked_by, expires_at)
                            values (?, ?, ?, ?, ?, ?) on conflict (serial) do nothing""")) {
                binder.bind(find);
                find.setTimestamp(2, Timestamp.from(now));
                try (ResultSet r = find.executeQuery()) {
                    while (r.next()) {
                        serials.add(Serial.fromBytes(r.getBytes(1)).hex());
                        insert.setBytes(1, r.getBytes(1));
                        insert.setString(2, r.getString(2));
                        insert.setString(3, reason);
                        insert.setTimestamp(4, Timestamp.from(now));
                        insert.setString(5, actor);
                        insert.setTimestamp(6, r.getTimestamp(3));
                        insert.addBatch();
                    }
                }
                boolean person = kind.equals("person");
                if (person) {
                    revokePersonRow(c, subject, reason, now, actor);
                } else if (serials.isEmpty()) {
                    c.rollback();
                    throw new Refused(new Refusal.NothingToRevoke(kind, subject));
                }
                insert.executeBatch();
                audit.record(c, actor, "revoke", kind + ":" + subject, Map.of("reason", reason, "serials", serials));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke " + kind + " " + subject, e);
        }
        long version =
                bundles.publish("revoked " + serials.size() + " by " + kind).version();
        return new Revoked(serials, version);
    }
}
