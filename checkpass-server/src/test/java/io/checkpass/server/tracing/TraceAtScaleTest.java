package io.checkpass.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.server.issuance.IssuanceLedger;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.ContactCipher;
import io.checkpass.server.visits.VisitPartitions;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A trace over a week of 2,000,000 check-ins in 5,000 venues: the figure in docs/tracing.md. Opt-in, because
 * seeding takes about 40 s:
 * {@code ./mvnw -q -pl checkpass-server -am test -Dtest=TraceAtScaleTest -Dcheckpass.scale=true -Dsurefire.failIfNoSpecifiedTests=false}
 */
@EnabledIfSystemProperty(named = "checkpass.scale", matches = "true")
class TraceAtScaleTest {
    static final String CASE_SERIAL = "0000000000000000deadbeef";

    @Test
    void a_week_of_two_million_check_ins_traces_in_milliseconds_through_the_venue_time_index() throws Exception {
        try (TestCentre centre = new TestCentre(Instant.parse("2021-12-25T00:00:00Z"))) {
            var offline = centre.server.centre();
            var db = offline.database().dataSource();
            new VisitPartitions(db).ensure(LocalDate.of(2021, 12, 13), LocalDate.of(2021, 12, 20));
            offline.registry()
                    .upsert(List.of(
                            new PersonRecord("CASE", "확진자", LocalDate.of(1980, 1, 1), Optional.of("010-1111-2222"))));
            offline.ledger()
                    .record(new IssuanceLedger.Entry(
                            Serial.parse(CASE_SERIAL),
                            "CASE",
                            "wallet",
                            new byte[32],
                            null,
                            LocalDate.of(2021, 12, 13),
                            "vaccinated",
                            Instant.parse("2021-12-13T00:00:00Z"),
                            Instant.parse("2021-12-15T00:00:00Z"),
                            new byte[] {1},
                            new byte[32],
                            0,
                            -1,
                            -1,
                            null,
                            java.util.Optional.empty(),
                            "",
                            new io.checkpass.core.rules.LocalizedText("", "")));
            long coVisitors;
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement()) {
                // 2M QR check-ins spread over 7 days and 5,000 venues, each with its own serial (none in the ledger).
                s.execute("""
                        insert into checkin (checkin_id, scanned_at, received_at, venue_id, channel, serial)
                        select gen_random_uuid(), ts, ts, 'v' || (g % 5000), 'QR', decode(lpad(to_hex(g), 24, '0'), 'hex')
                        from generate_series(1, 2000000) g,
                             lateral (select timestamptz '2021-12-13 00:00Z' + (g::bigint * 7919 % 604800) * interval '1 second' as ts) t""");
                s.execute("""
                        insert into checkin (checkin_id, scanned_at, received_at, venue_id, channel, serial)
                        select gen_random_uuid(), timestamptz '2021-12-14 00:00Z' + g * interval '40 minutes', now(), 'v' || (g * 37 % 5000),
                               'QR', decode('CASE_SERIAL', 'hex')
                        from generate_series(1, 20) g""".replace("CASE_SERIAL", CASE_SERIAL));
                s.execute("analyze checkin");
                try (ResultSet r = s.executeQuery("""
                        select count(*) from checkin k join checkin o on o.venue_id = k.venue_id
                            and abs(extract(epoch from o.scanned_at - k.scanned_at)) < 3600
                        where k.serial = decode('%s', 'hex') and o.serial <> k.serial""".formatted(CASE_SERIAL))) {
                    r.next();
                    coVisitors = r.getLong(1);
                }
            }
            var cipher = ContactCipher.open(Files.createTempDirectory("checkpass-visit-key"), Optional.empty());
            Tracer tracer = new Tracer(
                    offline.database().identity(),
                    offline.database().visits(),
                    cipher,
                    offline.audit(),
                    centre.clock,
                    Duration.ofMinutes(60));
            TraceRequest request = new TraceRequest(
                    "tracer",
                    "scale",
                    "measurement",
                    new TraceRequest.Subject.Person(new PersonId("CASE")),
                    Instant.parse("2021-12-13T00:00:00Z"),
                    Instant.parse("2021-12-20T00:00:00Z"),
                    OptionalInt.empty());
            for (int run = 1; run <= 5; run++) {
                long started = System.nanoTime();
                TraceResult result = tracer.trace(request);
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.printf(
                        "trace run %d: %d case visits, %d co-visits in %d ms%n",
                        run,
                        result.caseVisits().size(),
                        result.contacts().stream()
                                .mapToInt(k -> k.encounters().size())
                                .sum(),
                        millis);
                assertThat(result.caseVisits()).hasSize(20);
                assertThat(result.contacts().stream()
                                .mapToLong(k -> k.encounters().size())
                                .sum())
                        .isEqualTo(coVisitors);
            }
        }
    }
}
