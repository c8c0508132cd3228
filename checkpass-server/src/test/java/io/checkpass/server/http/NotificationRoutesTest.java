package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.server.auth.Role;
import io.checkpass.server.notify.sms.InProcessSmsc;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The centre with notifications on and the in-process SMSC ({@code sms.in-process}): a lab result posted over HTTP
 * reaches the SMSC as one SMS within seconds; opt-out, broadcasts and the console's counts over the API.
 */
class NotificationRoutesTest {
    private static TestCentre centre;
    private static String lab;
    private static String admin;
    private static String wallet;

    @BeforeAll
    static void start() {
        centre = new TestCentre(
                Instant.parse("2022-03-01T03:00:00Z"), // 12:00 KST
                Map.of(
                        "notify.enabled", "true",
                        "notify.poll-interval", "PT0.05S",
                        "sms.enabled", "true",
                        "sms.in-process", "true",
                        "sms.port", "0",
                        "sms.source-address", "1339"));
        lab = centre.client("lab-notify", Role.LAB);
        admin = centre.client("admin-notify", Role.ISSUER_ADMIN);
        wallet = centre.client("wallet-notify", Role.WALLET_PROVIDER);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("N-LAB", "이영희", LocalDate.of(1990, 5, 5), Optional.of("010-5555-0001")),
                        new PersonRecord("N-OUT", "박민수", LocalDate.of(1990, 5, 5), Optional.of("010-5555-0002"))));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    private static InProcessSmsc smsc() {
        return centre.server.notifications().smsc().orElseThrow();
    }

    @Test
    void aPostedPcrNegativeIsOneSmsAtTheSmscWithinSeconds() throws Exception {
        var posted = centre.post("/api/v1/lab-results", lab, """
                {"personId": "N-LAB", "kind": "pcr", "positive": false, "resultAt": "2022-03-01T11:00:00+09:00"}""");
        assertThat(posted.statusCode()).isEqualTo(201);
        long until = System.nanoTime() + 10_000_000_000L;
        while (smsc().received().stream().noneMatch(r -> r.to().equals("01055550001")) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(smsc().received())
                .filteredOn(r -> r.to().equals("01055550001"))
                .singleElement()
                .satisfies(r -> assertThat(r.text()).isEqualTo("[checkpass] PCR 검사 결과: 음성 (2022-03-01)"));
        // posting the same result again changes nothing and sends nothing
        assertThat(centre.post("/api/v1/lab-results", lab, """
                                {"personId": "N-LAB", "kind": "pcr", "positive": false, "resultAt": "2022-03-01T11:00:00+09:00"}""").statusCode()).isEqualTo(200);
        JsonNode listed = TestCentre.json(centre.get("/api/v1/notifications?limit=10", admin));
        assertThat(listed.path("notifications").findValuesAsText("kind")).containsOnlyOnce("lab_result");
        JsonNode summary = TestCentre.json(centre.get("/api/v1/notifications/summary", admin));
        assertThat(summary.path("counts").findValuesAsText("kind")).contains("lab_result");
    }

    @Test
    void aHolderOptsOutOfSmsThroughTheWalletAndABroadcastSkipsThem() {
        var changed = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/persons/N-OUT/notification-preferences"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"smsOptOut\": true}")),
                wallet);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(TestCentre.json(centre.get("/api/v1/persons/N-OUT/notification-preferences", admin))
                        .path("smsOptOut")
                        .asBoolean())
                .isTrue();
        var unknown = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/persons/NOBODY/notification-preferences"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"smsOptOut\": true}")),
                wallet);
        assertThat(unknown.statusCode()).isEqualTo(404);

        var broadcast = centre.post(
                "/api/v1/notifications/broadcasts",
                admin,
                "{\"textKo\": \"오늘은 방역패스를 확인하지 않습니다.\", \"textEn\": \"The pass is not checked today.\"}");
        assertThat(broadcast.statusCode()).isEqualTo(202);
        assertThat(TestCentre.json(broadcast).path("queued").asLong()).isEqualTo(1); // N-LAB only
        assertThat(centre.post("/api/v1/notifications/broadcasts", admin, "{\"textKo\": \"\", \"textEn\": \"x\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(centre.post("/api/v1/notifications/broadcasts", wallet, "{\"textKo\": \"x\", \"textEn\": \"x\"}")
                        .statusCode())
                .isEqualTo(403);
    }
}
