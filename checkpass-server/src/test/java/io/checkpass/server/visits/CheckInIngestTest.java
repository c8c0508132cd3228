package io.checkpass.server.visits;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.auth.Role;
import io.checkpass.server.refusal.Refused;
import io.checkpass.server.support.TestCentre;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Check-in upload on real PostgreSQL: idempotent, concurrent, durable, never losing a valid record. */
class CheckInIngestTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static TestCentre centre;
    static String scanner;

    @BeforeAll
    static void start() {
        centre = new TestCentre(LUNCH);
        scanner = VisitFixture.venueWithScanner(centre, "ingest-venue", "restaurant_cafe", null);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    static long count(String sql) throws Exception {
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void append_each_says_which_check_ins_were_new_and_which_were_already_stored() {
        CheckInLog log = centre.server.centre().checkInLog();
        CheckIn stored = call(VisitFixture.uuid7(LUNCH, 900_001));
        CheckIn fresh = call(VisitFixture.uuid7(LUNCH, 900_002));
        assertThat(log.appendEach(List.of(stored))).containsExactly(true);

        assertThat(log.appendEach(List.of(stored, fresh, fresh))).containsExactly(false, true, false);
        assertThat(log.append(List.of(stored, fresh))).isEqualTo(new CheckInLog.Stored(0, 2));
    }

    private static CheckIn call(UUID id) {
        return new CheckIn(
                id,
                LUNCH,
                "ingest-venue",
                Optional.empty(),
                CheckIn.Channel.CALL,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(new CheckIn.Contact(new PhoneNumber("01012345678"), Optional.empty())),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    @Test
    void a_scanner_that_cannot_be_bound_to_its_venue_leaves_no_client_behind_and_can_be_retried() {
        Venues venues = centre.server.centre().venues();
        assertThat(centre.server.centre().apiClients().find("scanner-orphan")).isEmpty();
        Assertions.assertThatThrownBy(() -> venues.addScanner("no-such-venue", "scanner-orphan", "door"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(centre.server.centre().apiClients().find("scanner-orphan"))
                .as("the client rolled back with the scanner row")
                .isEmpty();

        VisitFixture.venueWithScanner(centre, "orphan-venue", "restaurant_cafe", null);
        assertThat(venues.addScanner("orphan-venue", "scanner-orphan", "door")).isNotEmpty();
        assertThat(venues.venueOfScanner("scanner-orphan")).hasValue("orphan-venue");
        Assertions.assertThatThrownBy(() -> venues.addScanner("orphan-venue", "scanner-orphan", "door"))
                .isInstanceOf(Refused.class)
                .hasMessageContaining("taken");
    }

    @Test
    void three_concurrent_uploaders_with_overlapping_retried_batches_store_exactly_the_unique_check_ins()
            throws Exception {
        // 1,500 distinct check-ins; uploader k sends records [k*500, k*500+1000) so every record but the ends is sent
        // by two uploaders, in shuffled batches of 50, each batch twice.
        List<String> records = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            Instant at = LUNCH.plusMillis(i * 37L);
            UUID id = VisitFixture.uuid7(at, 100_000 + i);
            ids.add(id);
            records.add(VisitFixture.qr(id, at, "%024x".formatted(i + 1)));
        }
        List<Future<List<Integer>>> uploads = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(3)) {
            for (int k = 0; k < 3; k++) {
                List<String> mine = new ArrayList<>(records.subList(k * 500, Math.min(1500, k * 500 + 1000)));
                Collections.shuffle(mine, new Random(k));
                uploads.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int from = 0; from < mine.size(); from += 50) {
                        String body = VisitFixture.batch(mine.subList(from, Math.min(mine.size(), from + 50)));
                        for (int attempt = 0; attempt < 2; attempt++) {
                            statuses.add(centre.post("/api/v1/checkins", scanner, body)
                                    .statusCode());
                        }
                    }
                    return statuses;
                }));
            }
            for (var u : uploads) {
                assertThat(u.get()).containsOnly(202);
            }
        }
        String idList = String.join(",", ids.stream().map(id -> "'" + id + "'").toList());
        assertThat(count("select count(*) from checkin where checkin_id in (" + idList + ")"))
                .isEqualTo(1500);
        assertThat(count("select count(distinct checkin_id) from checkin where checkin_id in (" + idList + ")"))
                .isEqualTo(1500);
    }

    @Test
    void a_retried_batch_is_accepted_and_reported_as_duplicates() {
        Instant at = LUNCH.minusSeconds(3600);
        String body = VisitFixture.batch(List.of(
                VisitFixture.qr(VisitFixture.uuid7(at, 1), at, "%024x".formatted(99_001)),
                VisitFixture.qr(VisitFixture.uuid7(at, 2), at, "%024x".formatted(99_002))));
        var first = TestCentre.json(centre.post("/api/v1/checkins", scanner, body));
        var again = TestCentre.json(centre.post("/api/v1/checkins", scanner, body));
        assertThat(first.path("accepted").asInt()).isEqualTo(2);
        assertThat(again.path("accepted").asInt()).isZero();
        assertThat(again.path("duplicates").asInt()).isEqualTo(2);
    }

    @Test
    void bad_records_are_returned_with_their_problem_and_the_good_ones_are_stored() throws Exception {
        Instant at = LUNCH.minusSeconds(7200);
        UUID good = VisitFixture.uuid7(at, 7);
        String body = VisitFixture.batch(List.of(
                VisitFixture.qr(good, at, "%024x".formatted(77)),
                "{\"id\":\"not-a-uuid\",\"channel\":\"QR\",\"serial\":\"%024x\",\"scannedAt\":\"%s\"}".formatted(1, at),
                "{\"id\":\"%s\",\"channel\":\"MANUAL\",\"contact\":{\"phone\":\"010-1111-2222\"},\"scannedAt\":\"%s\"}"
                        .formatted(VisitFixture.uuid7(at, 8), at),
                "{\"id\":\"%s\",\"channel\":\"QR\",\"serial\":\"%024x\",\"scannedAt\":\"%s\",\"venueId\":\"elsewhere\"}"
                        .formatted(VisitFixture.uuid7(at, 9), 3, at)));
        var response = centre.post("/api/v1/checkins", scanner, body);
        assertThat(response.statusCode()).isEqualTo(202);
        var json = TestCentre.json(response);
        assertThat(json.path("accepted").asInt()).isEqualTo(1);
        assertThat(json.path("rejected").size()).isEqualTo(3);
        assertThat(json.path("rejected").toString())
                .contains("UUID")
                .contains("checkMethod")
                .contains("not this scanner's venue");
        assertThat(count("select count(*) from checkin where checkin_id = '" + good + "'"))
                .isEqualTo(1);
    }

    @Test
    void a_poisoned_record_is_rejected_alone_and_the_rest_of_its_batch_is_stored() throws Exception {
        Instant at = LUNCH.minusSeconds(3600);
        UUID good = VisitFixture.uuid7(at, 31);
        String body = VisitFixture.batch(List.of(
                "{\"id\":\"%s\",\"channel\":\"QR\",\"format\":\"HC1\",\"passRef\":\"ab\\u0000cd\",\"verdict\":\"ADMIT\",\"scannedAt\":\"%s\"}"
                        .formatted(VisitFixture.uuid7(at, 32), at),
                VisitFixture.qr(VisitFixture.uuid7(at, 33), at, "%024x".formatted(78))
                        .replace(at.toString(), "-4714-11-24T00:00:00Z"),
                VisitFixture.qr(VisitFixture.uuid7(at, 34), at, "%024x".formatted(79))
                        .replace(at.toString(), "-999999999-01-01T00:00:00Z"),
                VisitFixture.qr(good, at, "%024x".formatted(80))));
        var response = centre.post("/api/v1/checkins", scanner, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        var json = TestCentre.json(response);
        assertThat(json.path("accepted").asInt()).isEqualTo(1);
        assertThat(json.path("rejected").size()).isEqualTo(3);
        assertThat(json.path("rejected").toString())
                .contains("control character")
                .contains("scannedAt");
        assertThat(count("select count(*) from checkin where checkin_id = '" + good + "'"))
                .isEqualTo(1);
    }

    @Test
    void every_verdict_is_stored_with_the_venue_type_and_rule_set_it_was_judged_under() throws Exception {
        Instant at = LUNCH.minusSeconds(5400);
        UUID denied = VisitFixture.uuid7(at, 41);
        UUID idCheck = VisitFixture.uuid7(at, 42);
        UUID old = VisitFixture.uuid7(at, 43);
        String judged = ",\"venueType\":\"karaoke\",\"ruleSet\":\"KR-2021-12-13\",\"bundleVersion\":7}";
        String body = VisitFixture.batch(List.of(
                // A refused pass may carry no serial at all (an unreadable code): still the door's work, still logged.
                "{\"id\":\"%s\",\"channel\":\"QR\",\"verdict\":\"DENY\",\"reason\":\"MALFORMED\",\"scannedAt\":\"%s\"%s"
                        .formatted(denied, at, judged),
                VisitFixture.qr(idCheck, at, "%024x".formatted(4242))
                        .replace("\"ADMIT\",\"reason\":\"VALID\"", "\"CHECK_ID\",\"reason\":\"ID_CHECK_REQUIRED\"")
                        .replaceFirst("}$", judged),
                VisitFixture.qr(old, at, "%024x".formatted(4243)),
                VisitFixture.qr(VisitFixture.uuid7(at, 44), at, "%024x".formatted(4244))
                        .replaceFirst("}$", ",\"venueType\":\"Karaoke Room\"}"),
                VisitFixture.qr(VisitFixture.uuid7(at, 45), at, "%024x".formatted(4245))
                        .replaceFirst("}$", ",\"bundleVersion\":\"7\"}")));
        var json = TestCentre.json(centre.post("/api/v1/checkins", scanner, body));
        assertThat(json.path("accepted").asInt()).as(json.toString()).isEqualTo(3);
        assertThat(json.path("rejected").toString()).contains("venueType").contains("bundleVersion");
        assertThat(count("select count(*) from checkin where checkin_id = '" + denied
                        + "' and verdict = 'DENY' and venue_type = 'karaoke' and rule_set = 'KR-2021-12-13'"
                        + " and bundle_version = 7"))
                .isEqualTo(1);
        assertThat(count("select count(*) from checkin where checkin_id = '" + idCheck
                        + "' and verdict = 'CHECK_ID' and venue_type = 'karaoke'"))
                .isEqualTo(1);
        assertThat(count("select count(*) from checkin where checkin_id = '" + old
                        + "' and venue_type is null and rule_set is null and bundle_version is null"))
                .as("an older scanner that says neither is stored as before")
                .isEqualTo(1);
    }

    @Test
    void contacts_are_stored_sealed_never_in_clear() throws Exception {
        Instant at = LUNCH.minusSeconds(9000);
        UUID id = VisitFixture.uuid7(at, 11);
        String body = VisitFixture.batch(List.of(
                "{\"id\":\"%s\",\"channel\":\"MANUAL\",\"contact\":{\"phone\":\"010-9876-5432\",\"name\":\"홍길동\"},\"checkMethod\":\"id_sticker\",\"scannedAt\":\"%s\"}"
                        .formatted(id, at)));
        assertThat(centre.post("/api/v1/checkins", scanner, body).statusCode()).isEqualTo(202);
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "select t::text, contact_hmac, contact_enc from checkin t where checkin_id = '" + id + "'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).doesNotContain("9876").doesNotContain("홍길동");
            var contact = centre.server.centre().contacts().open(r.getBytes(3), r.getBytes(2));
            assertThat(contact.phone()).isEqualTo("01098765432");
            assertThat(contact.name()).contains("홍길동");
        }
    }

    @Test
    void only_scanners_may_upload_and_a_batch_over_1000_is_refused() {
        String wallet = centre.client("wallet-visits", Role.WALLET_PROVIDER);
        assertThat(centre.post("/api/v1/checkins", wallet, "{\"checkins\":[]}").statusCode())
                .isEqualTo(403);
        assertThat(centre.post("/api/v1/checkins", null, "{\"checkins\":[]}").statusCode())
                .isEqualTo(401);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add("{}");
        }
        var response = centre.post("/api/v1/checkins", scanner, VisitFixture.batch(many));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("at most 1000");
    }

    @Test
    void the_same_serial_at_two_venues_within_minutes_is_flagged() throws Exception {
        String other = VisitFixture.venueWithScanner(centre, "fraud-venue", "karaoke", null);
        Instant at = LUNCH.minusSeconds(20_000);
        String serial = "%024x".formatted(555_555);
        centre.post(
                "/api/v1/checkins",
                scanner,
                VisitFixture.batch(List.of(VisitFixture.qr(VisitFixture.uuid7(at, 21), at, serial))));
        centre.post(
                "/api/v1/checkins",
                other,
                VisitFixture.batch(List.of(
                        VisitFixture.qr(VisitFixture.uuid7(at.plusSeconds(240), 22), at.plusSeconds(240), serial))));
        String admin = centre.client("admin-fraud", Role.ISSUER_ADMIN);
        Set<String> flagged = new HashSet<>();
        for (int i = 0; i < 50 && flagged.isEmpty(); i++) {
            Thread.sleep(100);
            TestCentre.json(centre.get("/api/v1/fraud-signals", admin))
                    .path("signals")
                    .forEach(s -> flagged.add(s.path("serial").asText()));
        }
        assertThat(flagged).contains(serial);
    }

    @Test
    void a_serial_seen_many_times_yields_signals_linear_in_its_sightings_not_quadratic() throws Exception {
        String other = VisitFixture.venueWithScanner(centre, "copy-venue", "pc_cafe", null);
        Instant at = LUNCH.minusSeconds(30_000);
        String serial = "%024x".formatted(777_777);
        List<String> here = new ArrayList<>();
        List<String> there = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Instant t = at.plusSeconds(2L * i);
            (i % 2 == 0 ? here : there).add(VisitFixture.qr(VisitFixture.uuid7(t, 5000 + i), t, serial));
        }
        centre.post("/api/v1/checkins", scanner, VisitFixture.batch(here));
        centre.post("/api/v1/checkins", other, VisitFixture.batch(there));
        Thread.sleep(1000);
        long signals = count("select count(*) from fraud_signal where serial = decode('" + serial + "', 'hex')");
        assertThat(signals).isPositive().isLessThan(100);
    }
}
