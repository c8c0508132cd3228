package io.checkpass.server.db;

import java.sql.SQLException;

/**
 * Which PostgreSQL failures are worth another try (SQLSTATE, PostgreSQL manual appendix A), in one place for the
 * code that retries a transaction itself and for the HTTP edge that tells a client to retry (503 + Retry-After).
 */
public final class SqlStates {
    private SqlStates() {}

    /**
     * 40001 (serialization failure) and 40P01 (deadlock detected): the transaction lost a race with another and
     * was rolled back; running it again is safe when it is idempotent.
     */
    public static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** Class 08 (connection exception) and 57P (shutdown, crash, admin kill): the database is away for now. */
    public static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** A conflict or an unavailable database: the same request may succeed later, so a client should retry it. */
    public static boolean isRetryable(SQLException e) {
        return isConflict(e) || isUnavailable(e);
    }
}
