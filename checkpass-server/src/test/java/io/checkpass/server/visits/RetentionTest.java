package io.checkpass.server.visits;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.pass.Serial;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** With a pinned clock, the purge removes everything older than 28 days and keeps everything newer. */
class RetentionTest {
    static final Instant NOW = Instant.parse("2022-02-10T05:30:00Z");

    @Test
    void the_purge_removes_exactly_what_is_older_than_28_days() throws Exception {
        try (TestCentre centre = new TestCentre(NOW)) {
            var db = centre.server.centre().database().dataSource();
            centre.server.centre().partitions().ensure(LocalDate.of(2022, 1, 1), LocalDate.of(2022, 2, 12));
            Instant cutoff = NOW.minus(Duration.ofDays(28));
            // Visits every 7 hours over 40 days, plus two a second either side of the cutoff, plus one far in the
            // past that only the default partition can hold.
            List<Instant> times = new ArrayList<>();
            for (Instant t = NOW.minus(Duration.ofDays(40)); t.isBefore(NOW); t = t.plus(Duration.ofHours(7))) {
                times.add(t);
            }
            times.add(cutoff.minusSeconds(1));
            times.add(cutoff);
            times.add(Instant.parse("2021-06-01T00:00:00Z"));
            List<CheckIn> visits = new ArrayList<>();
            Set<UUID> mustStay = new HashSet<>();
            for (int i = 0; i < times.size(); i++) {
                UUID id = VisitFixture.uuid7(times.get(i), i);
                visits.add(new CheckIn(
                        id,
                        times.get(i),
                        "v",
                        Optional.empty(),
                        CheckIn.Channel.QR,
                        Optional.of(new Serial(i, i)),
                        Optional.of("CP1"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("ADMIT"),
                        Optional.of("VALID"),
                        Optional.empty()));
                if (!times.get(i).isBefore(cutoff)) {
                    mustStay.add(id);
                }
            }
            centre.server.centre().ingest().append(visits);
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("insert into person (person_id, name, birth_date) values ('R1', 'x', '1980-01-01')");
            }
            insertLedgerRow(db, new Serial(1, 1), NOW.minus(Duration.ofDays(30)));
            insertLedgerRow(db, new Serial(2, 2), NOW.minus(Duration.ofDays(27)));

            String admin = centre.client("admin-retention", Role.ISSUER_ADMIN);
            var purged = TestCentre.json(centre.post("/api/v1/retention/purge", admin, "{}"));

            Set<UUID> remaining = new HashSet<>();
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select checkin_id from checkin where venue_id = 'v'")) {
                while (r.next()) {
                    remaining.add(r.getObject(1, UUID.class));
                }
            }
            assertThat(remaining).isEqualTo(mustStay);
            assertThat(purged.path("visits").asLong()).isEqualTo(times.size() - mustStay.size());
            assertThat(purged.path("ledgerRows").asLong()).isEqualTo(1);
            assertThat(centre.server.centre().partitions().days())
                    .allMatch(d -> !d.isBefore(LocalDate.ofInstant(cutoff, ZoneOffset.UTC)));
            String auditor = centre.client("auditor-retention", Role.AUDITOR);
            String audit = centre.get("/api/v1/audit?from=2022-01-01T00:00:00Z", auditor)
                    .body();
            assertThat(audit)
                    .contains("\"action\":\"purge\"")
                    .contains("\"visits\":" + (times.size() - mustStay.size()));
            assertThat(audit).doesNotContain("CP1");
        }
    }

    private static void insertLedgerRow(DataSource db, Serial serial, Instant issuedAt) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                insert into issuance (serial, person_id, client_id, device_key_hash, issue_day, status, issued_at, expires_at, credential)
                values (?, 'R1', 'test', ?, ?, 'vaccinated', ?, ?, ?)""")) {
            s.setBytes(1, serial.bytes());
            s.setBytes(2, new byte[32]);
            s.setObject(3, LocalDate.ofInstant(issuedAt, ZoneOffset.UTC));
            s.setTimestamp(4, Timestamp.from(issuedAt));
            s.setTimestamp(5, Timestamp.from(issuedAt.plus(Duration.ofDays(2))));
            s.setBytes(6, new byte[] {1});
            s.executeUpdate();
        }
    }
}
