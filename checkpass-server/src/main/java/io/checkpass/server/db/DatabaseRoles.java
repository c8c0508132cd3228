package io.checkpass.server.db;

import io.checkpass.server.config.CheckpassConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two login roles of the identity split (docs/adr/0016) exist before the migrations grant to them. The owner
 * creates a missing role when it may (superuser or CREATEROLE); otherwise the start stops with what a DBA runs.
 * Roles are cluster-wide: a role that exists is used as it is, so several databases of one cluster (the tests) share
 * it.
 */
final class DatabaseRoles {
    private DatabaseRoles() {}

    /**
     * Makes sure the role exists and can log in.
     *
     * @param setPassword whether this process owns the role's password (embedded: from its password file) and sets
     *                    it on every start; an external database's roles keep the password their DBA gave them
     */
    static void ensure(Connection c, CheckpassConfig.Database.Role role, boolean setPassword) {
        String name = role.user(); // a plain lower-case name, checked by ConfigLoader: no quoting needed
        String password = role.password().map(p -> " password " + literal(p)).orElse("");
        try (Statement s = c.createStatement()) {
            if (exists(c, name)) {
                if (setPassword) {
                    s.execute("alter role " + name + " login nosuperuser nocreaterole nocreatedb" + password);
                }
                return;
            }
            if (!mayCreateRoles(c)) {
                throw new IllegalStateException("the role '" + name + "' (" + role.key() + ") does not exist, and"
                        + " database.user may not create roles; a DBA runs: create role " + name
                        + " login password '...'; then set " + role.passwordEnv()
                        + " (docs/operations.md, \"Database roles\")");
            }
            try {
                s.execute("create role " + name + " login nosuperuser nocreaterole nocreatedb" + password);
            } catch (SQLException e) {
                // Another database of the same cluster (a test class next door) created it meanwhile.
                if (!"42710".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot prepare the role '" + name + "' (" + role.key() + "): " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String role) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            q.setString(1, role);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    private static boolean mayCreateRoles(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("select rolsuper or rolcreaterole from pg_roles where rolname = current_user")) {
            return r.next() && r.getBoolean(1);
        }
    }

    /** A SQL string literal (standard_conforming_strings, on since PostgreSQL 9.1). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
