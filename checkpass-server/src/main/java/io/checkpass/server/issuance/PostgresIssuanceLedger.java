package io.checkpass.server.issuance;

import io.checkpass.core.pass.Serial;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The ledger in the {@code issuance} table. */
public final class PostgresIssuanceLedger implements IssuanceLedger {
    private static final String COLUMNS =
            "serial, person_id, client_id, device_key_hash, device_key, issue_day, status, issued_at, expires_at, credential";

    private final DataSource db;

    public PostgresIssuanceLedger(DataSource db) {
        this.db = db;
    }

    @Override
    public Today lookup(String personId, byte[] deviceKeyHash, LocalDate issueDay) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select " + COLUMNS.replace("serial", "i.serial")
                        + ", (select count(*) from issuance where person_id = ? and issue_day = ?) as devices"
                        + " from (select 1) as one left join issuance i on i.person_id = ? and i.device_key_hash = ? and i.issue_day = ?")) {
            s.setString(1, personId);
            s.setDate(2, Date.valueOf(issueDay));
            s.setString(3, personId);
            s.setBytes(4, deviceKeyHash);
            s.setDate(5, Date.valueOf(issueDay));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                int devices = r.getInt("devices");
                return new Today(r.getBytes(1) == null ? Optional.empty() : Optional.of(read(r)), devices);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the issuance ledger", e);
        }
    }

    private static Optional<Entry> find(Connection c, String personId, byte[] deviceKeyHash, LocalDate issueDay) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select " + COLUMNS
                + " from issuance where person_id = ? and device_key_hash = ? and issue_day = ?")) {
            s.setString(1, personId);
            s.setBytes(2, deviceKeyHash);
            s.setDate(3, Date.valueOf(issueDay));
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        }
    }

    @Override
    public Entry record(Entry e) {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("insert into issuance (" + COLUMNS
                    + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (person_id, device_key_hash, issue_day) do nothing")) {
                s.setBytes(1, e.serial().bytes());
                s.setString(2, e.personId());
                s.setString(3, e.clientId());
                s.setBytes(4, e.deviceKeyHash());
                s.setBytes(5, e.deviceKey());
                s.setDate(6, Date.valueOf(e.issueDay()));
                s.setString(7, e.status());
                s.setTimestamp(8, Timestamp.from(e.issuedAt()));
                s.setTimestamp(9, Timestamp.from(e.expiresAt()));
                s.setBytes(10, e.credential());
                if (s.executeUpdate() == 1) {
                    return e;
                }
            }
            return find(c, e.personId(), e.deviceKeyHash(), e.issueDay())
                    .orElseThrow(() -> new IllegalStateException("issuance conflict without a winner for " + e.personId()));
        } catch (SQLException ex) {
            throw new IllegalStateException("cannot write the issuance ledger", ex);
        }
    }

    @Override
    public Map<String, byte[]> latestDeviceKeys() {
        Map<String, byte[]> out = new HashMap<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        select distinct on (person_id) person_id, device_key from issuance
                        where device_key is not null order by person_id, issued_at desc""");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.put(r.getString(1), r.getBytes(2));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read device keys from the ledger", e);
        }
    }

    private static Entry read(ResultSet r) throws SQLException {
        return new Entry(Serial.fromBytes(r.getBytes(1)), r.getString(2), r.getString(3), r.getBytes(4), r.getBytes(5),
                r.getDate(6).toLocalDate(), r.getString(7), r.getTimestamp(8).toInstant(), r.getTimestamp(9).toInstant(), r.getBytes(10));
    }
}
