package io.checkpass.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.server.support.TestCentre;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The identity split (docs/adr/0016) holds in the database itself, not only in the code: the visits role cannot
 * read who anyone is, the identity role cannot read where anyone went, and neither can rewrite the audit log. The
 * rest of the suite runs every store through these two roles, so it proves the grants are enough.
 */
class IdentitySplitTest {
    static TestCentre centre;
    static DataSource visits;
    static DataSource identity;

    @BeforeAll
    static void start() {
        centre = new TestCentre(Instant.parse("2026-03-02T09:00:00Z"));
        visits = centre.server.centre().database().visits();
        identity = centre.server.centre().database().identity();
    }

    @AfterAll
    static void stop() {
        centre.stop();
    }

    @Test
    void the_visits_role_cannot_read_the_identity_schema() {
        for (String table : List.of("identity.person", "identity.issuance", "identity.revocation")) {
            assertThatThrownBy(() -> query(visits, "select count(*) from " + table))
                    .as(table)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
        // Nor through the unqualified names the identity side's SQL uses: they are not on its search path.
        assertThatThrownBy(() -> query(visits, "select count(*) from person"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void the_identity_role_cannot_read_check_ins() throws SQLException {
        // Venues and scanner bindings it may read (it makes scanners, V12): businesses and tablets, not visits.
        assertThat(query(identity, "select count(*) from visits.venue")).hasSize(1);
        for (String table : List.of("visits.checkin", "visits.fraud_signal")) {
            assertThatThrownBy(() -> query(identity, "select count(*) from " + table))
                    .as(table)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void what_the_visits_role_can_read_names_no_person() throws SQLException {
        List<String> readable = query(visits, """
                select n.nspname || '.' || c.relname || '.' || a.attname
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
                  and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
                  and has_column_privilege(c.oid, a.attnum, 'SELECT')
                order by 1""");
        assertThat(readable.stream()
                        .map(c -> c.substring(0, c.lastIndexOf('.')))
                        .distinct())
                .containsExactlyInAnyOrder(
                        "visits.venue",
                        "visits.scanner",
                        "visits.checkin",
                        "visits.fraud_signal",
                        "visits.centre_degraded",
                        "visits.call_in", // a hash of a call's SIP identifiers and the check-in it logged (V17)
                        "public.audit_log",
                        "public.audit_chain_head");
        assertThat(readable).filteredOn(c -> c.startsWith("public.audit_log.")).containsExactly("public.audit_log.id");
        assertThat(readable)
                .noneMatch(c -> c.endsWith(".person_id") || c.endsWith(".phone") || c.endsWith(".birth_date"));
    }

    @Test
    void neither_role_can_delete_or_rewrite_the_audit_log_or_drop_the_visit_log() {
        for (DataSource role : List.of(visits, identity)) {
            for (String sql : List.of(
                    "delete from audit_log",
                    "update audit_log set actor = 'x'",
                    "alter table audit_log disable trigger all",
                    "drop table visits.checkin")) {
                assertThatThrownBy(() -> execute(role, sql))
                        .as(sql)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                                .isIn("42501", "42P01" /* the identity role does not see visits.checkin */));
            }
        }
    }

    @Test
    void the_roles_are_not_superusers_and_the_services_run_as_them() throws SQLException {
        assertThat(query(visits, "select current_user || ' ' || rolsuper from pg_roles where rolname = current_user"))
                .containsExactly("checkpass_visits false");
        assertThat(query(identity, "select current_user || ' ' || rolsuper from pg_roles where rolname = current_user"))
                .containsExactly("checkpass_identity false");
    }

    private static List<String> query(DataSource db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
