package io.checkpass.server.http;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Ready when the database answers within a second: then the centre can issue, ingest and publish. */
public final class Readiness {
    private final DataSource db;

    public Readiness(DataSource db) {
        this.db = db;
    }

    /** Null when ready, else why not. */
    public String problem() {
        try (Connection c = db.getConnection()) {
            return c.isValid(1) ? null : "database did not answer within 1 s";
        } catch (SQLException e) {
            return "database unreachable: " + e.getMessage();
        }
    }
}
