package io.checkpass.server.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.time.KoreaTime;
import io.checkpass.server.auth.Role;
import io.checkpass.server.cli.CliRun;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded day at the door (issue 16): five venues of known behaviour, their scanners uploading over HTTP as the
 * page does, and one centre outage. The compliance summary must flag exactly the right venues for the right reasons.
 *
 * <ul>
 *   <li>{@code diligent}: scans every hour, refuses some, asks for ID once, takes a call; uploads at once.
 *   <li>{@code never-scans}: takes 안심콜 calls and manual entries, never scans a pass.
 *   <li>{@code wrong-type}: a restaurant whose tablet is set to karaoke for most of the day.
 *   <li>{@code offline}: a scanner that lost its network from 14:00 to 15:45 and uploaded its queue then.
 *   <li>{@code outage}: a bathhouse open from 06:00; in the 09:00 hour, while the centre was down (09:10–09:50),
 *       staff took manual entries and the scanner held them until the centre was back.
 * </ul>
 */
class SeededDoorDayTest {
    static final LocalDate DAY = LocalDate.of(2021, 12, 14);
    static final Instant FROM = DAY.atStartOfDay(KoreaTime.KST).toInstant();
    static final Instant TO = FROM.plus(Duration.ofDays(1));

    static TestCentre centre;
    static final AtomicLong sequence = new AtomicLong();

    @BeforeAll
    static void seedTheDay() {
        centre = new TestCentre(FROM.minus(Duration.ofHours(1)));
        centre.client("admin", Role.ISSUER_ADMIN);
        String diligent = venue("diligent", "restaurant_cafe");
        String neverScans = venue("never-scans", "restaurant_cafe");
        String wrongType = venue("wrong-type", "restaurant_cafe");
        String offline = venue("offline", "restaurant_cafe");
        String outage = venue("outage", "bathhouse");

        for (int hour = 11; hour <= 21; hour++) {
            List<String> records = new ArrayList<>();
            for (int m = 5; m < 60; m += 20) {
                records.add(qr(at(hour, m), "ADMIT", "VALID", "restaurant_cafe"));
            }
            if (hour == 13) {
                records.add(qr(at(hour, 40), "DENY", "NOT_ACCEPTED_HERE", "restaurant_cafe"));
            }
            if (hour == 15) {
                records.add(qr(at(hour, 41), "CHECK_ID", "ID_CHECK_REQUIRED", "restaurant_cafe"));
            }
            if (hour == 12) {
                records.add(manual(at(hour, 30), "paper_certificate", "restaurant_cafe"));
            }
            // The page uploads every 2 s: each record reaches the centre moments after its scan.
            upload(diligent, at(hour, 59), records);
        }

        upload(neverScans, at(12, 16), List.of(manual(at(12, 15), "verbal", null)));
        upload(neverScans, at(13, 32), List.of(manual(at(13, 30), "verbal", null), manual(at(13, 31), "verbal", null)));
        upload(neverScans, at(19, 6), List.of(manual(at(19, 5), "app", "restaurant_cafe")));

        for (int hour = 11; hour <= 21; hour++) {
            // The tablet set to karaoke from 12:00 on; an old scanner page's checks (no type) are not counted.
            String type = hour < 12 ? "restaurant_cafe" : "karaoke";
            upload(wrongType, at(hour, 11), List.of(qr(at(hour, 10), "ADMIT", "VALID", type)));
            upload(wrongType, at(hour, 31), List.of(qr(at(hour, 30), "ADMIT", "PASS_NOT_REQUIRED", null)));
        }

        for (int hour = 11; hour <= 13; hour++) {
            upload(offline, at(hour, 21), List.of(qr(at(hour, 20), "ADMIT", "VALID", "restaurant_cafe")));
        }
        List<String> held = new ArrayList<>();
        for (int minutes = 0; minutes < 100; minutes += 10) {
            held.add(qr(at(14, 0).plus(Duration.ofMinutes(minutes)), "ADMIT", "VALID", "restaurant_cafe"));
        }
        upload(offline, at(15, 45), held);
        upload(offline, at(16, 21), List.of(qr(at(16, 20), "ADMIT", "VALID", "restaurant_cafe")));

        for (int hour : new int[] {6, 7, 8, 10}) {
            upload(outage, at(hour, 1), List.of(qr(at(hour, 0), "ADMIT", "VALID", "bathhouse")));
        }
        // The centre down from 09:10 to 09:50: its readiness probe fails (as CentreHealth's tick sees it).
        String[] problem = {null};
        CentreHealth health = new CentreHealth(
                centre.server.centre().database().visits(),
                centre.clock,
                "test-node",
                CentreHealth.QUIET,
                () -> problem[0]);
        problem[0] = "database unreachable: Connection refused";
        for (Instant t = at(9, 10); !t.isAfter(at(9, 50)); t = t.plus(CentreHealth.TICK)) {
            centre.clock.set(t);
            health.tick();
        }
        problem[0] = null;
        centre.clock.set(at(9, 51));
        health.tick();
        centre.clock.set(at(9, 51).plus(CentreHealth.QUIET));
        health.tick();
        // Staff took names by hand during the outage; the scanner held them until the centre answered again.
        upload(
                outage,
                at(9, 52),
                List.of(manual(at(9, 15), "verbal", "bathhouse"), manual(at(9, 30), "verbal", "bathhouse")));

        centre.clock.set(TO.plus(Duration.ofHours(1)));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void exactly_the_right_venues_are_flagged_for_the_right_reasons() {
        Map<String, VenueCompliance> day = centre.server.centre().compliance().summariseAll(FROM, TO).stream()
                .collect(Collectors.toMap(VenueCompliance::venueId, v -> v));

        assertThat(day).containsOnlyKeys("diligent", "never-scans", "wrong-type", "offline", "outage");
        assertThat(codes(day.get("diligent"))).isEmpty();
        assertThat(codes(day.get("never-scans"))).containsExactly(Finding.NO_SCANS_WHILE_OPEN);
        assertThat(codes(day.get("wrong-type"))).containsExactly(Finding.WRONG_VENUE_TYPE);
        assertThat(codes(day.get("offline"))).containsExactly(Finding.SCANNER_OFFLINE);
        assertThat(codes(day.get("outage"))).containsExactly(Finding.CENTRE_DEGRADED);
        assertThat(day.values()).allSatisfy(v -> assertThat(v.centreDegraded()).isTrue());
    }

    @Test
    void the_evidence_says_when_and_how_much() {
        var compliance = centre.server.centre().compliance();
        VenueCompliance diligent = compliance.summarise("diligent", FROM, TO).orElseThrow();
        assertThat(diligent.checksByChannelAndVerdict())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("QR:ADMIT", 33L, "QR:DENY", 1L, "QR:CHECK_ID", 1L, "MANUAL:", 1L));
        assertThat(diligent.denials()).isEqualTo(1);
        assertThat(diligent.registeredVenueType()).isEqualTo("restaurant_cafe");

        assertThat(detail(compliance, "never-scans"))
                .startsWith("3 hour(s)")
                .contains("12-14 12:00 (1)", "12-14 13:00 (2)", "12-14 19:00 (1)");
        assertThat(detail(compliance, "wrong-type"))
                .contains("10 check(s) judged as 'karaoke'", "registered as 'restaurant_cafe'", "12-14 12:00");
        assertThat(detail(compliance, "offline"))
                .contains("scanner-offline held 10 check(s) from 12-14 14:00 to 12-14 15:45 KST (longest 105 min)");
        assertThat(detail(compliance, "outage"))
                .contains("not-ready 12-14 09:10–12-14 09:50 KST")
                .contains("12-14 09:00 (2)")
                .contains("scanner-outage held 2 check(s)");
    }

    @Test
    void a_period_outside_the_outage_is_not_degraded_and_an_unknown_venue_has_no_summary() {
        var compliance = centre.server.centre().compliance();
        assertThat(compliance.centreDegradedDuring(at(9, 0), at(9, 10))).isFalse();
        assertThat(compliance.centreDegradedDuring(at(9, 0), at(9, 11))).isTrue();
        assertThat(compliance.centreDegradedDuring(at(9, 50), at(10, 0))).isTrue();
        assertThat(compliance.centreDegradedDuring(at(9, 51), at(10, 0))).isFalse();
        // In the afternoon only the offline scanner is a finding; the outage venue's morning is out of the window.
        assertThat(codes(compliance.summarise("outage", at(12, 0), TO).orElseThrow()))
                .isEmpty();
        assertThat(compliance.summarise("no-such-venue", FROM, TO)).isEmpty();
    }

    @Test
    void the_route_answers_operators_with_the_summary_and_refuses_others() {
        String scanner = "scanner-diligent";
        HttpResponse<String> ok =
                centre.get("/api/v1/venues/never-scans/compliance?from=" + FROM + "&to=" + TO, "admin");
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode body = TestCentre.json(ok);
        assertThat(body.path("findings").get(0).path("code").asText()).isEqualTo("NO_SCANS_WHILE_OPEN");
        assertThat(body.path("checksByChannelAndVerdict").path("MANUAL:").asLong())
                .isEqualTo(4);
        assertThat(body.path("degradedIntervals").get(0).path("cause").asText()).isEqualTo("not-ready");

        assertThat(centre.get("/api/v1/venues/never-scans/compliance", scanner).statusCode())
                .isEqualTo(403);
        assertThat(centre.get("/api/v1/venues/nowhere/compliance", "admin").statusCode())
                .isEqualTo(404);
        assertThat(centre.get("/api/v1/venues/diligent/compliance?from=yesterday", "admin")
                        .statusCode())
                .isEqualTo(400);
        assertThat(centre.get("/api/v1/venues/diligent/compliance?from=" + TO + "&to=" + FROM, "admin")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void the_cli_prints_the_flagged_venues_of_the_day_and_one_venue_in_full() {
        CliRun day = CliRun.onCentre(TO, centre, "compliance", "summary", "--from", "2021-12-14", "--to", "2021-12-15")
                .ok();
        assertThat(day.out().lines().map(line -> line.substring(0, line.indexOf('\t', line.indexOf('\t') + 1))))
                .containsExactlyInAnyOrder(
                        "never-scans\tNO_SCANS_WHILE_OPEN",
                        "wrong-type\tWRONG_VENUE_TYPE",
                        "offline\tSCANNER_OFFLINE",
                        "outage\tCENTRE_DEGRADED");
        assertThat(day.err()).contains("5 venue(s), 4 with findings, centre degraded 1 time(s)");

        CliRun one = CliRun.onCentre(TO, centre, "compliance", "summary", "diligent", "--from", "2021-12-14", "--json")
                .ok();
        assertThat(one.json().path("checksByChannelAndVerdict").path("QR:DENY").asLong())
                .isEqualTo(1);
        assertThat(CliRun.onCentre(TO, centre, "compliance", "summary", "nowhere")
                        .exitCode())
                .isEqualTo(1);
    }

    // -------------------------------------------------------------------------------------------------------------

    private static List<String> codes(VenueCompliance v) {
        return v.findings().stream().map(Finding::code).toList();
    }

    private static String detail(ComplianceService compliance, String venueId) {
        List<Finding> findings =
                compliance.summarise(venueId, FROM, TO).orElseThrow().findings();
        assertThat(findings).hasSize(1);
        return findings.getFirst().detail();
    }

    private static Instant at(int hour, int minute) {
        return DAY.atTime(LocalTime.of(hour, minute)).atZone(KoreaTime.KST).toInstant();
    }

    private static String venue(String venueId, String type) {
        Venues venues = centre.server.centre().venues();
        venues.add(new Venues.Venue(venueId, "123-45-67890", venueId, "서울", "서울", type, Optional.empty()));
        String scannerId = "scanner-" + venueId;
        return centre.adopt(scannerId, venues.addScanner(venueId, scannerId, "door"));
    }

    /**
     * Uploads as the scanner page does, with the centre's clock at the moment the upload arrives; the diligent
     * venue's hour arrives record by record, each 2 s after its scan.
     */
    private static void upload(String scannerId, Instant arrives, List<String> records) {
        if (scannerId.equals("scanner-diligent")) {
            for (String record : records) {
                Instant scanned = Instant.parse(record.replaceAll(".*\"scannedAt\":\"([^\"]+)\".*", "$1"));
                send(scannerId, scanned.plusSeconds(2), List.of(record));
            }
            return;
        }
        send(scannerId, arrives, records);
    }

    private static void send(String scannerId, Instant arrives, List<String> records) {
        centre.clock.set(arrives);
        HttpResponse<String> r =
                centre.post("/api/v1/checkins", scannerId, "{\"checkins\":[" + String.join(",", records) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(TestCentre.json(r).path("rejected").size()).as(r.body()).isZero();
    }

    private static String qr(Instant at, String verdict, String reason, String venueType) {
        String serial = "%024x".formatted(sequence.incrementAndGet());
        return "{\"id\":\"%s\",\"channel\":\"QR\",\"serial\":\"%s\",\"format\":\"CP1\",\"verdict\":\"%s\",\"reason\":\"%s\",\"scannedAt\":\"%s\"%s}"
                .formatted(uuid7(at), serial, verdict, reason, at, judged(venueType));
    }

    private static String manual(Instant at, String method, String venueType) {
        return "{\"id\":\"%s\",\"channel\":\"MANUAL\",\"contact\":{\"phone\":\"010-5555-%04d\"},\"checkMethod\":\"%s\",\"scannedAt\":\"%s\"%s}"
                .formatted(uuid7(at), sequence.incrementAndGet() % 10_000, method, at, judged(venueType));
    }

    private static String judged(String venueType) {
        return venueType == null
                ? ""
                : ",\"venueType\":\"%s\",\"ruleSet\":\"KR-2021-12-13\",\"bundleVersion\":3".formatted(venueType);
    }

    private static UUID uuid7(Instant at) {
        long seq = sequence.incrementAndGet();
        long msb = (at.toEpochMilli() << 16) | (0x7L << 12) | (seq & 0xFFF);
        long lsb = 0x8000_0000_0000_0000L | (seq * 0x9E3779B97F4A7C15L >>> 2);
        return new UUID(msb, lsb);
    }
}
