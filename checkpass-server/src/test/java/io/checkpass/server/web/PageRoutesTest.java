package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import io.checkpass.server.http.DemoWalletRoutes;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routes behind the pages, through the real routing on port 0: static files, who-am-I, the demo wallet, stats, purges. */
class PageRoutesTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();

    static TestCentre centre;
    static String scanner;
    static String tracer;
    static String admin;
    static String auditor;
    /** The demo sign-in's answer before the demo provider client existed. */
    @BeforeAll
    static void start() {
        centre = new TestCentre(LUNCH, Map.of("demo.wallet", "true"));
        Venues venues = centre.server.centre().venues();
        venues.add(
                new Venues.Venue("venue-a", "123-45-67890", "종로 김밥", "서울", "서울", "restaurant_cafe", Optional.empty()));
        scanner = centre.adopt("scanner-a", venues.addScanner("venue-a", "scanner-a", "door"));
        tracer = centre.client("tracer-test", Role.TRACER);
        admin = centre.client("admin-test", Role.ISSUER_ADMIN);
        auditor = centre.client("auditor-test", Role.AUDITOR);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("P-1", "홍길동", LocalDate.of(1985, 3, 1), Optional.empty()),
                        new ImmunizationRecord("P-1", LocalDate.of(2021, 9, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("P-1", LocalDate.of(2021, 10, 1), VaccineProduct.PFIZER, 2),
                        new PersonRecord("P-LOCK", "김철수", LocalDate.of(1970, 1, 1), Optional.empty())));
        centre.client(DemoWalletRoutes.PROVIDER, Role.WALLET_PROVIDER);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void text_files_go_gzip_compressed_to_browsers_that_accept_it_and_revalidate() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/scanner/", "/scanner/scanner.js", "/shared/checkpass.js", "/shared/style.css")) {
            byte[] plain = http.send(
                            HttpRequest.newBuilder(centre.uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            HttpResponse<byte[]> gzip = http.send(
                    HttpRequest.newBuilder(centre.uri(path))
                            .header("Accept-Encoding", "br, gzip, deflate")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gzip.statusCode()).as(path).isEqualTo(200);
            assertThat(gzip.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
            assertThat(gzip.headers().firstValue("Vary")).as(path).hasValue("Accept-Encoding");
            assertThat(gzip.headers().firstValue("Content-Security-Policy"))
                    .as(path)
                    .isPresent();
            assertThat(gzip.body().length).as(path + " compressed").isLessThan(plain.length / 2);
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))) {
                assertThat(in.readAllBytes()).as(path).isEqualTo(plain);
            }
            String etag = gzip.headers().firstValue("ETag").orElseThrow();
            HttpResponse<byte[]> again = http.send(
                    HttpRequest.newBuilder(centre.uri(path))
                            .header("Accept-Encoding", "gzip")
                            .header("If-None-Match", etag)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(again.statusCode()).as(path).isEqualTo(304);
        }
        HttpResponse<byte[]> refused = http.send(
                HttpRequest.newBuilder(centre.uri("/shared/style.css"))
                        .header("Accept-Encoding", "gzip;q=0, identity")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
        HttpResponse<byte[]> missing = http.send(
                HttpRequest.newBuilder(centre.uri("/shared/no-such-file.js"))
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void pages_are_served_revalidated_with_304_and_a_bare_page_path_redirects_into_the_service_worker_scope() {
        HttpResponse<String> redirect = centre.get("/scanner", null);
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/scanner/");
        for (String path : List.of("/wallet/", "/scanner/", "/console/")) {
            HttpResponse<String> page = centre.get(path, null);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type"))
                    .as(path)
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        }
        HttpResponse<String> script = centre.get("/shared/checkpass.js", null);
        assertThat(script.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(centre.get("/wallet/manifest.webmanifest", null).headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/manifest+json"));
        String etag = script.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = centre.send(
                HttpRequest.newBuilder(centre.uri("/shared/checkpass.js")).header("If-None-Match", etag), null);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(centre.get("/shared/no-such-file.js", null).statusCode()).isEqualTo(404);
    }

    @Test
    void me_names_the_client_its_roles_and_a_scanners_venue() {
        JsonNode me = TestCentre.json(centre.get("/api/v1/me", scanner));
        assertThat(me.path("clientId").asText()).isEqualTo("scanner-a");
        assertThat(me.path("roles").toString()).isEqualTo("[\"scanner\"]");
        assertThat(me.path("venue").path("venueId").asText()).isEqualTo("venue-a");
        assertThat(me.path("venue").path("venueType").asText()).isEqualTo("restaurant_cafe");
        assertThat(me.path("serverTime").asText()).isEqualTo(LUNCH.toString());
        assertThat(TestCentre.json(centre.get("/api/v1/me", tracer)).has("venue"))
                .isFalse();
    }

    @Test
    void a_page_request_without_credentials_gets_401_without_the_basic_challenge_that_opens_a_browser_dialog() {
        HttpResponse<String> plain = centre.get("/api/v1/me", null);
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(plain.headers().firstValue("WWW-Authenticate")).isPresent();
        HttpResponse<String> fromPage = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/me")).header("X-Requested-With", "checkpass-page"), null);
        assertThat(fromPage.statusCode()).isEqualTo(401);
        assertThat(fromPage.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void the_demo_wallet_signs_in_by_id_and_birth_date_and_issues_as_the_demo_provider() {
        String signIn = "{\"personId\":\"P-1\",\"birthDate\":\"1985-03-01\"}";

        assertThat(centre.post("/wallet/api/session", null, "{\"personId\":\"P-1\",\"birthDate\":\"1985-03-02\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(centre.post("/wallet/api/session", null, "{\"personId\":\"P-NOBODY\",\"birthDate\":\"1985-03-01\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(centre.post("/wallet/api/session", null, "{\"personId\":\"P-1\",\"birthDate\":\"March\"}")
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> session = centre.post("/wallet/api/session", null, signIn);
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        String token = TestCentre.json(session).path("token").asText();
        assertThat(TestCentre.json(session).path("maskedName").asText()).isEqualTo("홍*동");

        var device = TestCentre.ES256.generateKeyPair();
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed((ECPublicKey)
                device.getPublic()));
        HttpResponse<String> issued = centre.send(
                HttpRequest.newBuilder(centre.uri("/wallet/api/credential"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"devicePublicKey\":\"" + key + "\"}")),
                null);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        JsonNode credential = TestCentre.json(issued);
        assertThat(credential.path("status").asText()).isEqualTo("vaccinated");
        assertThat(credential.path("deviceBound").asBoolean()).isTrue();
        assertThat(credential.path("credential").asText()).isNotBlank();

        HttpResponse<String> paper = credentialWith(token, "{\"static\":true}");
        assertThat(paper.statusCode()).as(paper.body()).isEqualTo(201);
        assertThat(TestCentre.json(paper).path("deviceBound").asBoolean()).isFalse();

        String altered = token.substring(0, token.indexOf('.')) + "." + "A".repeat(43);
        assertThat(credentialWith(altered, "{\"static\":true}").statusCode()).isEqualTo(401);
        assertThat(credentialWith("", "{\"static\":true}").statusCode()).isEqualTo(401);
        assertThat(credentialWith(token, "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void five_failed_sign_ins_lock_a_person_id_for_a_while() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(centre.post(
                            "/wallet/api/session",
                            null,
                            "{\"personId\":\"P-LOCK\",\"birthDate\":\"1999-01-0" + (i + 1) + "\"}")
                    .statusCode());
        }
        assertThat(statuses).containsExactly(401, 401, 401, 401, 401, 429);
        assertThat(centre.post("/wallet/api/session", null, "{\"personId\":\"P-LOCK\",\"birthDate\":\"1970-01-01\"}")
                        .statusCode())
                .as("even the right date, while locked")
                .isEqualTo(429);
    }

    @Test
    void stats_count_check_ins_per_minute_by_verdict_and_measure_upload_lag_for_a_korean_day() {
        String batch = "{\"checkins\":["
                + String.join(
                        ",",
                        record(LUNCH.minusSeconds(30), 1, "ADMIT"),
                        record(LUNCH.minusSeconds(20), 2, "ADMIT"),
                        record(LUNCH.minusSeconds(90), 3, "DENY"),
                        record(LUNCH.minusSeconds(600), 4, "ADMIT_LIMITED"))
                + "]}";
        assertThat(centre.post("/api/v1/checkins", scanner, batch).statusCode()).isEqualTo(202);

        JsonNode stats = TestCentre.json(centre.get("/api/v1/stats/checkins?day=2021-12-13", tracer));
        assertThat(stats.path("total").asLong()).isEqualTo(4);
        assertThat(stats.path("from").asText()).isEqualTo("2021-12-12T15:00:00Z");
        assertThat(stats.path("verdicts").toString()).isEqualTo("{\"ADMIT\":2,\"ADMIT_LIMITED\":1,\"DENY\":1}");
        assertThat(stats.path("channels").path("QR").asLong()).isEqualTo(4);
        List<String> minutes = new ArrayList<>();
        stats.path("perMinute")
                .forEach(m -> minutes.add(
                        m.path("minute").asText() + "=" + m.path("count").asLong()));
        assertThat(minutes)
                .containsExactly("2021-12-13T02:50:00Z=1", "2021-12-13T02:58:00Z=1", "2021-12-13T02:59:00Z=2");
        // Received at the centre's clock (12:00:00): lags of 20, 30, 90 and 600 s.
        assertThat(stats.path("lag").path("p50Seconds").asDouble()).isEqualTo(60.0);
        assertThat(stats.path("lag").path("maxSeconds").asDouble()).isEqualTo(600.0);
        assertThat(stats.path("perMinute").get(2).path("lagP50Seconds").asDouble())
                .isEqualTo(25.0);

        assertThat(TestCentre.json(centre.get("/api/v1/stats/checkins?day=2021-12-14", admin))
                        .path("total")
                        .asLong())
                .isZero();
        assertThat(centre.get("/api/v1/stats/checkins?day=yesterday", admin).statusCode())
                .isEqualTo(400);
        assertThat(centre.get("/api/v1/stats/checkins", scanner).statusCode()).isEqualTo(403);
    }

    @Test
    void past_purges_come_from_the_audit_log_which_the_auditor_can_filter_by_action() {
        assertThat(centre.post("/api/v1/retention/purge", admin, "{}").statusCode())
                .isEqualTo(200);
        JsonNode purges = TestCentre.json(centre.get("/api/v1/retention/purges", admin));
        assertThat(purges.path("purges")).isNotEmpty();
        assertThat(purges.path("purges").get(0).path("actor").asText()).isEqualTo("admin-test");
        assertThat(centre.get("/api/v1/retention/purges", tracer).statusCode()).isEqualTo(403);

        JsonNode onlyPurges = TestCentre.json(centre.get("/api/v1/audit?action=purge", auditor));
        assertThat(onlyPurges.path("entries"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("action").asText()).isEqualTo("purge"));
        assertThat(centre.get("/api/v1/audit?action=DROP%20TABLE", auditor).statusCode())
                .isEqualTo(400);
    }

    private static HttpResponse<String> credentialWith(String token, String body) {
        return centre.send(
                HttpRequest.newBuilder(centre.uri("/wallet/api/credential"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                null);
    }

    private static String record(Instant at, int sequence, String verdict) {
        long msb = (at.toEpochMilli() << 16) | (0x7L << 12) | sequence;
        UUID id = new UUID(msb, 0x8000_0000_0000_0000L | sequence);
        return "{\"id\":\"%s\",\"channel\":\"QR\",\"serial\":\"%024x\",\"format\":\"CP1\",\"verdict\":\"%s\",\"scannedAt\":\"%s\"}"
                .formatted(id, sequence, verdict, at);
    }
}
