package io.checkpass.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.server.config.ConfigLoader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL keeps what it acknowledged (fsync, synchronous commit, full-page writes) and lets no one in
 * without a password, including a data directory made before passwords (trust), which is upgraded in place.
 */
class EmbeddedDatabaseTest {
    @TempDir
    Path data;

    @Test
    void a_data_directory_from_before_passwords_is_upgraded_in_place_and_then_needs_them() throws Exception {
        Path pg = data.resolve("pg");
        // A data directory as the previous release left it: zonky's defaults, trust for every local connection, the
        // schema at V8 (one table for everything), a person and a check-in in a day partition.
        try (EmbeddedPostgres before = EmbeddedPostgres.builder()
                .setPgBinaryResolver(new BundledPostgresBinaries())
                .setDataDirectory(pg)
                .setCleanDataDirectory(false)
                .start()) {
            Flyway.configure()
                    .dataSource(before.getPostgresDatabase())
                    .locations("classpath:db/migration")
                    .target("8")
                    .load()
                    .migrate();
            try (Connection c = before.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("insert into person (person_id, name, birth_date, phone)"
                        + " values ('P1', '홍길동', '1980-01-01', '010-1234-5678')");
                s.execute("insert into venue (venue_id, business_number, name, address, region, venue_type)"
                        + " values ('v1', '123', 'Cafe', 'Seoul', 'seoul', 'cafe')");
                s.execute("create table checkin_p20260301 partition of checkin"
                        + " for values from ('2026-03-01T00:00:00Z') to ('2026-03-02T00:00:00Z')");
                s.execute("insert into checkin (checkin_id, scanned_at, received_at, venue_id, channel)"
                        + " values (gen_random_uuid(), '2026-03-01T12:00:00Z', '2026-03-01T12:00:01Z', 'v1', 'QR')");
            }
        }
        assertThat(Files.exists(EmbeddedPasswords.file(data))).isFalse();

        var config = ConfigLoader.load(null, Map.of(), Map.of("data.dir", data.toString()))
                .database();
        try (Database database = Database.open(config, data)) {
            // V9 moved the data to its side, the day partition with it, and each side reads its own.
            assertThat(query(database.identity(), "select name from person where person_id = 'P1'"))
                    .isEqualTo("홍길동");
            assertThat(query(database.visits(), "select count(*) from checkin")).isEqualTo("1");
            assertThat(
                            query(
                                    database.dataSource(),
                                    "select relnamespace::regnamespace::text from pg_class where relname = 'checkin_p20260301'"))
                    .isEqualTo("visits");
            for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
                assertThat(query(database.dataSource(), "show " + setting))
                        .as(setting)
                        .isEqualTo("on");
            }
            assertThat(query(database.dataSource(), "show listen_addresses")).isEqualTo("localhost");
            int port = database.embeddedPort().orElseThrow();
            for (String user : new String[] {"postgres", "checkpass_identity", "checkpass_visits"}) {
                assertThatThrownBy(() -> DriverManager.getConnection(
                                        "jdbc:postgresql://localhost:" + port + "/postgres", user, "")
                                .close())
                        .as(user + " without a password")
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> DriverManager.getConnection(
                                        "jdbc:postgresql://localhost:" + port + "/postgres", user, "guess")
                                .close())
                        .as(user + " with a wrong password")
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("password authentication failed");
            }
        }
        Path passwords = EmbeddedPasswords.file(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwords)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(pg.resolve("pg_hba.conf"))).isEqualTo(Database.PG_HBA);

        // The next start connects with the passwords on file.
        try (Database again = Database.open(config, data)) {
            assertThat(query(again.identity(), "select current_user")).isEqualTo("checkpass_identity");
            assertThat(query(again.visits(), "select count(*) from checkin")).isEqualTo("1");
        }
    }

    @Test
    void a_data_directory_that_asks_for_passwords_does_not_start_without_its_password_file() {
        var config = ConfigLoader.load(null, Map.of(), Map.of("data.dir", data.toString()))
                .database();
        try (Database first = Database.open(config, data)) {
            assertThat(first.embeddedPort()).isPresent();
        }
        EmbeddedPasswords.file(data).toFile().delete();
        assertThatThrownBy(() -> Database.open(config, data).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("embedded-pg.passwords is missing");
    }

    private static String query(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
