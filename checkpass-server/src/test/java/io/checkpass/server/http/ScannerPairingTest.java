package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pairing a door tablet: an issuer-admin's one-time code makes a scanner of the venue whose session works at once,
 * and the code is good once, for its lifetime, for nobody else; a guesser is throttled like a failed sign-in.
 */
class ScannerPairingTest {
    static final Instant NOW = Instant.parse("2022-01-20T02:55:00Z");

    static TestCentre centre;
    static String admin;
    static String tracer;

    @BeforeAll
    static void start() {
        centre = new TestCentre(NOW, Map.of());
        admin = centre.client("admin-pair", Role.ISSUER_ADMIN);
        tracer = centre.client("tracer-pair", Role.TRACER);
        centre.server
                .centre()
                .venues()
                .add(new Venues.Venue(
                        "venue-pair", "123-45-67890", "을지로 국밥", "서울 중구", "서울", "restaurant_cafe", Optional.empty()));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    private static JsonNode newCode(String body) {
        HttpResponse<String> made = centre.post("/api/v1/venues/venue-pair/pairings", admin, body);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        return TestCentre.json(made);
    }

    private static HttpResponse<String> claim(String code) {
        return centre.post("/api/v1/scanner-pairings", null, "{\"code\":\"" + code + "\",\"label\":\"입구 태블릿\"}");
    }

    @Test
    void a_code_pairs_one_tablet_as_a_scanner_of_the_venue_with_a_working_session_and_never_again() {
        JsonNode made = newCode("{}");
        String code = made.path("code").asText();
        assertThat(code).matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
        assertThat(made.path("pairPath").asText()).isEqualTo("/scanner/?pair=" + code);
        assertThat(Instant.parse(made.path("expiresAt").asText())).isEqualTo(NOW.plus(Duration.ofMinutes(10)));

        // Typed carelessly: lower case, a space for the dash.
        HttpResponse<String> paired = claim(code.toLowerCase().replace('-', ' '));
        assertThat(paired.statusCode()).as(paired.body()).isEqualTo(201);
        String scannerId = TestCentre.json(paired).path("scannerId").asText();
        assertThat(scannerId).startsWith("scanner-venue-pair-");
        String cookie = paired.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
        assertThat(paired.body()).as("no secret reaches the tablet").doesNotContain("secret");

        HttpResponse<String> me = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/me")).header("Cookie", cookie.split(";")[0]), null);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(TestCentre.json(me).path("clientId").asText()).isEqualTo(scannerId);
        HttpResponse<String> upload = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/checkins"))
                        .header("Cookie", cookie.split(";")[0])
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"checkins\":[]}")),
                null);
        assertThat(upload.statusCode()).isEqualTo(202);
        assertThat(centre.server.centre().clientAdministration().find(scannerId))
                .hasValueSatisfying(c -> {
                    assertThat(c.roles()).containsExactly(Role.SCANNER);
                    assertThat(c.venueId()).hasValue("venue-pair");
                    assertThat(c.displayName()).isEqualTo("입구 태블릿");
                });

        HttpResponse<String> again = claim(code);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).contains("pairing-code-invalid");
        assertThat(
                        centre
                                .server
                                .centre()
                                .audit()
                                .read(NOW.minusSeconds(60), NOW.plusSeconds(60), 100, Optional.empty())
                                .stream()
                                .map(e -> e.action()))
                .contains("pairing-create", "pairing-claim", "client-create");
    }

    @Test
    void a_code_past_its_lifetime_pairs_nothing() {
        String code = newCode("{\"minutes\":1}").path("code").asText();
        centre.clock.advance(Duration.ofSeconds(61));
        try {
            assertThat(claim(code).statusCode()).isEqualTo(404);
        } finally {
            centre.clock.advance(Duration.ofSeconds(-61));
        }
    }

    @Test
    void only_issuer_admins_make_codes_for_venues_that_exist() {
        assertThat(centre.post("/api/v1/venues/venue-pair/pairings", tracer, "{}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(centre.post("/api/v1/venues/venue-pair/pairings", null, "{}").statusCode())
                .isEqualTo(401);
        HttpResponse<String> unknown = centre.post("/api/v1/venues/no-such-venue/pairings", admin, "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown-venue");
        assertThat(centre.post("/api/v1/venues/venue-pair/pairings", admin, "{\"minutes\":0}")
                        .statusCode())
                .isEqualTo(422);
        assertThat(centre.post("/api/v1/venues/venue-pair/pairings", admin, "{\"minutes\":\"ten\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(centre.post("/api/v1/scanner-pairings", null, "{\"code\":12345678}")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void an_address_guessing_codes_is_throttled_like_failed_sign_ins() {
        try (TestCentre own = new TestCentre(NOW, Map.of())) {
            int status = 0;
            int tries = 0;
            while (status != 429 && tries < 40) {
                status = own.post("/api/v1/scanner-pairings", null, "{\"code\":\"AAAA-AAA" + (tries % 10) + "\"}")
                        .statusCode();
                tries++;
            }
            assertThat(status).isEqualTo(429);
            assertThat(tries).as("after the 20 failures a sign-in may make").isEqualTo(21);
        }
    }
}
