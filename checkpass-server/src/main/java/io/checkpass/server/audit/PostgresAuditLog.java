package io.checkpass.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Optional;
import javax.sql.DataSource;

/** The audit log in the {@code audit_log} table; entry times come from the injected clock. */
public final class PostgresAuditLog implements AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;
    private final Clock clock;

    public PostgresAuditLog(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void record(String actor, String action, String subject, Map<String, Object> detail) {
        try (Connection c = db.getConnection()) {
            record(c, actor, action, subject, detail);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the audit log (" + action + ")", e);
        }
    }

    @Override
    public void record(Connection c, String actor, String action, String subject, Map<String, Object> detail)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "insert into audit_log (at, actor, action, subject, detail) values (?, ?, ?, ?, ?::jsonb)")) {
            s.setTimestamp(1, Timestamp.from(clock.instant()));
            s.setString(2, actor);
            s.setString(3, action);
            s.setString(4, subject);
            s.setString(5, JSON.writeValueAsString(detail));
            s.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit detail is not JSON-able: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Entry> read(Instant from, Instant to, int limit, Optional<String> action) {
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select id, at, actor, action, subject, detail::text from audit_log"
                                + " where at >= ? and at < ? and (?::text is null or action = ?) order by id desc limit ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setString(3, action.orElse(null));
            s.setString(4, action.orElse(null));
            s.setInt(5, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(
                            r.getLong(1),
                            r.getTimestamp(2).toInstant(),
                            r.getString(3),
                            r.getString(4),
                            r.getString(5),
                            JSON.readValue(r.getString(6), new TypeReference<Map<String, Object>>() {})));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read the audit log", e);
        }
    }
}
