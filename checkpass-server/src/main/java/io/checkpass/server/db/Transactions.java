package io.checkpass.server.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Helpers for hand-written JDBC transactions. */
public final class Transactions {
    private Transactions() {}

    /** Work inside one transaction on the connection it is given. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws (a domain refusal
     * included), so nothing of a refused change stays behind.
     *
     * @param what what the work does, for the error when the database fails ("cannot change API clients")
     */
    public static <T> T inTransaction(DataSource db, String what, Work<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackAfter(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what, e);
        }
    }

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
