package io.checkpass.server.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Helpers for hand-written JDBC transactions. */
public final class Transactions {
    private Transactions() {}

    /**
     * Rolls back after {@code failure} without hiding it. When the database went away mid-transaction the rollback
     * fails too ("Connection is closed", no SQL state); thrown, that would replace the failure that says the
     * database is unavailable (08006, 57P01), and the client would get a 500 instead of a 503 to retry.
     */
    public static void rollbackAfter(Connection c, Throwable failure) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }
}
