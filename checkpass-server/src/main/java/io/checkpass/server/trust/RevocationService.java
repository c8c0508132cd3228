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
     * Revokes every unexpired credential of a person.
     *
     * @throws Refused ({@link Refusal.NothingToRevoke}) if the person holds none
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
                if (serials.isEmpty()) {
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
