package io.checkpass.server.visits;

import io.checkpass.server.auth.ApiClients;
import io.checkpass.server.auth.Role;
import io.checkpass.server.auth.ScannerBindings;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** Venues, their scanners and their call-in numbers, in PostgreSQL. */
public final class Venues implements ScannerBindings {

    /** A venue. {@code callNumber} is digits only. */
    public record Venue(
            String venueId,
            String businessNumber,
            String name,
            String address,
            String region,
            String venueType,
            Optional<String> callNumber) {}

    private final DataSource db;
    private final ApiClients clients;

    public Venues(DataSource db, ApiClients clients) {
        this.db = db;
        this.clients = clients;
    }

    /**
     * Adds a venue.
     *
     * @throws IllegalArgumentException if the id or the call number is taken
     */
    public void add(Venue v) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        insert into visits.venue (venue_id, business_number, name, address, region, venue_type, call_number)
                        values (?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, v.venueId());
            s.setString(2, v.businessNumber());
            s.setString(3, v.name());
            s.setString(4, v.address());
            s.setString(5, v.region());
            s.setString(6, v.venueType());
            s.setString(7, v.callNumber().orElse(null));
            s.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new IllegalArgumentException("venue id '" + v.venueId() + "' or call number "
                        + v.callNumber().orElse("-") + " is taken");
            }
            throw new IllegalStateException("cannot add venue " + v.venueId(), e);
        }
    }

    public Optional<Venue> find(String venueId) {
        return query("select * from visits.venue where venue_id = ?", venueId).stream()
                .findFirst();
    }

    /** The venue whose 안심콜 number this is (digits only). */
    public Optional<Venue> byCallNumber(String digits) {
        return query("select * from visits.venue where call_number = ?", digits).stream()
                .findFirst();
    }

    public List<Venue> list() {
        return query("select * from visits.venue order by venue_id", null);
    }

    /** The venue a scanner client is bound to. */
    @Override
    public Optional<String> venueOfScanner(String scannerId) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select venue_id from visits.scanner where scanner_id = ?")) {
            s.setString(1, scannerId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read scanner " + scannerId, e);
        }
    }

    /**
     * Creates a scanner for a venue: an API client with the scanner role, bound to the venue, in one transaction (a
     * failure leaves neither, so the same request can be retried). Returns its secret (shown once). Operators create
     * scanners through {@code auth/ClientAdministration}, which also audits; this is the bare store operation.
     *
     * @throws Refused ({@link Refusal.ScannerExists}) if a client with that id exists
     * @throws IllegalStateException if there is no such venue
     */
    public String addScanner(String venueId, String scannerId, String label) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                String secret = clients.create(c, scannerId, label, Set.of(Role.SCANNER))
                        .orElseThrow(() -> new Refused(new Refusal.ScannerExists(scannerId)));
                if (!bind(c, scannerId, venueId, label)) {
                    throw new IllegalStateException("no venue '" + venueId + "' to bind scanner " + scannerId + " to");
                }
                c.commit();
                return secret;
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot add scanner " + scannerId + " to venue " + venueId, e);
        }
    }

    @Override
    public boolean bind(Connection c, String scannerId, String venueId, String label) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "insert into visits.scanner (scanner_id, venue_id, label) select ?, venue_id, ? from visits.venue where venue_id = ?")) {
            s.setString(1, scannerId);
            s.setString(2, label);
            s.setString(3, venueId);
            return s.executeUpdate() == 1;
        }
    }

    @Override
    public Map<String, String> venuesOfScanners() {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select scanner_id, venue_id from visits.scanner");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.put(r.getString(1), r.getString(2));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read scanners", e);
        }
    }

    private List<Venue> query(String sql, String parameter) {
        List<Venue> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            if (parameter != null) {
                s.setString(1, parameter);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Venue(
                            r.getString("venue_id"),
                            r.getString("business_number"),
                            r.getString("name"),
                            r.getString("address"),
                            r.getString("region"),
                            r.getString("venue_type"),
                            Optional.ofNullable(r.getString("call_number"))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read venues", e);
        }
    }
}
