package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The centre through its real HTTP routing on port 0, on real PostgreSQL. */
class CentreApiTest {
    static final Instant LUNCH_13_DEC =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static final VenueType RESTAURANT = new VenueType("restaurant_cafe");

    static TestCentre centre;
    static String wallet;
    static String admin;
    static String auditor;

    @BeforeAll
    static void start() {
        centre = new TestCentre(LUNCH_13_DEC);
        wallet = centre.client("wallet-test", Role.WALLET_PROVIDER);
        admin = centre.client("admin-test", Role.ISSUER_ADMIN);
        auditor = centre.client("auditor-test", Role.AUDITOR);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("P-ADMIT", "홍길동", LocalDate.of(1985, 3, 1), Optional.of("010-1234-5678")),
                        new ImmunizationRecord("P-ADMIT", LocalDate.of(2021, 9, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("P-ADMIT", LocalDate.of(2021, 10, 1), VaccineProduct.PFIZER, 2),
                        new PersonRecord("P-OLD", "김철수", LocalDate.of(1960, 7, 7), Optional.empty()),
                        new ImmunizationRecord("P-OLD", LocalDate.of(2021, 5, 1), VaccineProduct.ASTRAZENECA, 1),
                        new ImmunizationRecord("P-OLD", LocalDate.of(2021, 6, 1), VaccineProduct.ASTRAZENECA, 2),
                        new PersonRecord("P-REVOKE", "이영희", LocalDate.of(1990, 1, 1), Optional.empty()),
                        new ImmunizationRecord("P-REVOKE", LocalDate.of(2021, 8, 1), VaccineProduct.JANSSEN, 1)));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    static String deviceKey(KeyPair device) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed((ECPublicKey)
                device.getPublic()));
    }

    static JsonNode issue(String personId, KeyPair device) {
        var response = centre.post(
                "/api/v1/passes",
                wallet,
                "{\"personId\":\"" + personId + "\",\"devicePublicKey\":\"" + deviceKey(device) + "\"}");
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return TestCentre.json(response);
    }

    static VerificationResult presentAndVerify(JsonNode credential, KeyPair device, Instant at, VenueType venue) {
        byte[] cose =
                Base64.getUrlDecoder().decode(credential.path("credential").asText());
        String text = new HolderDevice((ECPrivateKey) device.getPrivate(), TestCentre.ES256)
                .present(cose, at)
                .toText();
        var bundle = centre.bundle().bundle();
        return new PassVerifier(bundle, TestCentre.ES256, Clock.fixed(at, ZoneOffset.UTC)).verify(text, venue);
    }

    @Test
    void a_centre_without_the_demo_wallet_has_no_sign_in_by_birth_date() {
        var signIn =
                centre.post("/wallet/api/session", null, "{\"personId\":\"P-ADMIT\",\"birthDate\":\"1985-03-01\"}");
        assertThat(signIn.statusCode()).isEqualTo(404);
        assertThat(TestCentre.json(signIn).path("type").asText()).endsWith("/no-such-route");
    }

    @Test
    void an_imported_person_gets_a_credential_that_the_core_verifier_admits() {
        centre.clock.set(LUNCH_13_DEC);
        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode credential = issue("P-ADMIT", device);

        assertThat(credential.path("status").asText()).isEqualTo("vaccinated");
        assertThat(credential.path("maskedName").asText()).isEqualTo("홍*동");
        assertThat(credential.path("deviceBound").asBoolean()).isTrue();
        VerificationResult result = presentAndVerify(credential, device, LUNCH_13_DEC.plusSeconds(3), RESTAURANT);
        assertThat(result.reason()).isEqualTo(Reason.VALID);
        assertThat(result.pass().orElseThrow().id())
                .isEqualTo(credential.path("serial").asText());
    }

    @Test
    void the_same_person_device_and_day_get_the_same_credential() {
        centre.clock.set(LUNCH_13_DEC);
        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode first = issue("P-ADMIT", device);
        centre.clock.set(LUNCH_13_DEC.plusSeconds(3600));
        var again = centre.post(
                "/api/v1/passes",
                wallet,
                "{\"personId\":\"P-ADMIT\",\"devicePublicKey\":\"" + deviceKey(device) + "\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(TestCentre.json(again).path("serial").asText())
                .isEqualTo(first.path("serial").asText());
        assertThat(TestCentre.json(again).path("reused").asBoolean()).isTrue();
        KeyPair other = TestCentre.ES256.generateKeyPair();
        assertThat(issue("P-ADMIT", other).path("serial").asText())
                .isNotEqualTo(first.path("serial").asText());
    }

    /**
     * Concurrent requests are read from the database together (one ledger and one registry query per batch); each
     * must still get its own answer: one credential per person and device, signed once, and a 404 for a stranger.
     */
    @Test
    void concurrent_requests_each_get_their_own_answer_and_one_credential_per_person_and_device() throws Exception {
        centre.clock.set(LUNCH_13_DEC);
        List<RegistryRecord> persons = new ArrayList<>();
        for (int p = 1; p <= 8; p++) {
            persons.add(new PersonRecord("P-BATCH-" + p, "박동시", LocalDate.of(1980 + p, 1, 1), Optional.empty()));
            persons.add(new ImmunizationRecord("P-BATCH-" + p, LocalDate.of(2021, 9, 1), VaccineProduct.PFIZER, 1));
            persons.add(new ImmunizationRecord("P-BATCH-" + p, LocalDate.of(2021, 10, 1), VaccineProduct.PFIZER, 2));
        }
        centre.server.centre().registry().upsert(persons);
        record Ask(String personId, String deviceKey) {}
        List<Ask> asks = new ArrayList<>();
        for (int p = 1; p <= 8; p++) {
            for (int d = 0; d < 2; d++) {
                String key = deviceKey(TestCentre.ES256.generateKeyPair());
                for (int again = 0; again < 3; again++) {
                    asks.add(new Ask("P-BATCH-" + p, key));
                }
            }
        }
        for (int i = 0; i < 4; i++) {
            asks.add(new Ask("P-NOBODY", deviceKey(TestCentre.ES256.generateKeyPair())));
        }
        Collections.shuffle(asks, new Random(7));

        var start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Ask ask : asks) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return centre.post(
                            "/api/v1/passes",
                            wallet,
                            "{\"personId\":\"" + ask.personId() + "\",\"devicePublicKey\":\"" + ask.deviceKey()
                                    + "\"}");
                }));
            }
            start.countDown();
        }

        Map<Ask, Set<String>> serials = new HashMap<>();
        Map<Ask, Integer> created = new HashMap<>();
        for (int i = 0; i < asks.size(); i++) {
            Ask ask = asks.get(i);
            HttpResponse<String> answer = answers.get(i).get();
            if (ask.personId().equals("P-NOBODY")) {
                assertProblem(answer, 404, "unknown-person");
                continue;
            }
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 201);
            JsonNode credential = TestCentre.json(answer);
            serials.computeIfAbsent(ask, k -> new HashSet<>())
                    .add(credential.path("serial").asText());
            created.merge(ask, answer.statusCode() == 201 ? 1 : 0, Integer::sum);
        }
        assertThat(serials)
                .hasSize(16)
                .allSatisfy((ask, seen) -> assertThat(seen).as(ask.toString()).hasSize(1));
        assertThat(created)
                .allSatisfy((ask, n) -> assertThat(n).as("201s for " + ask).isEqualTo(1));
        assertThat(serials.values().stream().flatMap(Set::stream).distinct()).hasSize(16);
    }

    @Test
    void a_person_with_an_old_primary_series_flips_status_across_3_january_2022() {
        KeyPair device = TestCentre.ES256.generateKeyPair();
        Instant jan2 = OffsetDateTime.of(2022, 1, 2, 23, 0, 0, 0, ZoneOffset.ofHours(9))
                .toInstant();
        centre.clock.set(jan2);
        JsonNode before = issue("P-OLD", device);
        assertThat(before.path("status").asText()).isEqualTo("vaccinated");
        // The credential may not outlive the switch: it expires at 3 Jan 00:00 KST at the latest.
        Instant switchAt =
                OffsetDateTime.of(2022, 1, 3, 0, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
        assertThat(Instant.parse(before.path("expiresAt").asText())).isBeforeOrEqualTo(switchAt);
        assertThat(presentAndVerify(before, device, jan2.plusSeconds(5), new VenueType("karaoke"))
                        .reason())
                .isEqualTo(Reason.VALID);

        Instant jan3 = OffsetDateTime.of(2022, 1, 3, 12, 0, 0, 0, ZoneOffset.ofHours(9))
                .toInstant();
        centre.clock.set(jan3);
        // The guidance week (3–9 Jan): the lapsed vaccination is stated, and the door admits it with a notice.
        JsonNode lapsed = issue("P-OLD", device);
        assertThat(lapsed.path("status").asText()).isEqualTo("vaccinated");
        assertThat(lapsed.path("statusValidUntil").asText()).isEqualTo("2021-11-28T15:00:00Z");
        assertThat(presentAndVerify(lapsed, device, jan3.plusSeconds(5), new VenueType("karaoke"))
                        .reason())
                .isEqualTo(Reason.GUIDANCE_PERIOD);
        assertThat(presentAndVerify(before, device, jan3.plusSeconds(6), new VenueType("karaoke"))
                        .reason())
                .isEqualTo(Reason.CREDENTIAL_EXPIRED);

        Instant jan10 = OffsetDateTime.of(2022, 1, 10, 12, 0, 0, 0, ZoneOffset.ofHours(9))
                .toInstant();
        centre.clock.set(jan10);
        JsonNode after = issue("P-OLD", device);
        assertThat(after.path("status").asText()).isEqualTo("unvaccinated");
        assertThat(presentAndVerify(after, device, jan10.plusSeconds(5), new VenueType("karaoke"))
                        .reason())
                .isEqualTo(Reason.NOT_ACCEPTED_HERE);
        assertThat(presentAndVerify(lapsed, device, jan10.plusSeconds(6), new VenueType("karaoke"))
                        .reason())
                .isIn(Reason.STATUS_EXPIRED, Reason.CREDENTIAL_EXPIRED);
    }

    @Test
    void a_revoked_serial_is_in_the_next_bundle_and_verifies_as_revoked() {
        centre.clock.set(LUNCH_13_DEC);
        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode credential = issue("P-REVOKE", device);
        String serial = credential.path("serial").asText();

        var revoked =
                centre.post("/api/v1/revocations", admin, "{\"serial\":\"" + serial + "\",\"reason\":\"lost phone\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(201);
        assertThat(centre.bundle().bundle().revoked()).anyMatch(s -> s.hex().equals(serial));
        assertThat(presentAndVerify(credential, device, LUNCH_13_DEC.plusSeconds(1), RESTAURANT)
                        .reason())
                .isEqualTo(Reason.REVOKED);

        var audit = TestCentre.json(centre.get("/api/v1/audit?from=2021-12-01T00:00:00Z", auditor));
        assertThat(audit.path("entries").toString())
                .contains("revoke")
                .contains(serial)
                .contains("admin-test");
    }

    @Test
    void the_trust_bundle_is_public_with_an_etag_and_304_when_unchanged() {
        var first = centre.get("/api/v1/trust-bundle", null);
        assertThat(first.statusCode()).isEqualTo(200);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        var again = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/trust-bundle")).header("If-None-Match", etag), null);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void bad_input_gets_a_4xx_problem_never_a_500() {
        assertProblem(centre.post("/api/v1/passes", wallet, "{not json"), 400, "bad-request");
        assertProblem(
                centre.post("/api/v1/passes", wallet, "{\"personId\":\"NOBODY\",\"static\":true}"),
                404,
                "unknown-person");
        assertProblem(
                centre.post("/api/v1/passes", wallet, "{\"personId\":\"P-ADMIT\",\"devicePublicKey\":\"AAAA\"}"),
                400,
                "invalid-device-key");
        assertProblem(
                centre.post(
                        "/api/v1/passes", wallet, "{\"personId\":\"P-ADMIT\",\"devicePublicKey\":{\"kty\":\"RSA\"}}"),
                400,
                "invalid-device-key");
        assertProblem(
                centre.post("/api/v1/passes", wallet, "{\"personId\":\"../etc\",\"static\":true}"), 400, "bad-request");
        assertProblem(centre.post("/api/v1/passes", wallet, "[1,2]"), 400, "bad-request");
        assertProblem(centre.post("/api/v1/passes", wallet, "{\"personId\":\"P-ADMIT\"}"), 400, "bad-request");
        assertProblem(
                centre.post("/api/v1/passes", wallet, "{\"personId\":\"" + "x".repeat(20_000) + "\"}"),
                413,
                "too-large");
        assertProblem(
                centre.post("/api/v1/revocations", admin, "{\"serial\":\"zz\",\"reason\":\"x\"}"), 400, "bad-request");
        assertProblem(centre.getUndescribed("/api/v1/nothing-here", null), 404, "no-such-route");
    }

    @Test
    void no_credentials_is_401_and_a_wrong_role_is_403() {
        var anonymous = centre.post("/api/v1/passes", null, "{\"personId\":\"P-ADMIT\",\"static\":true}");
        assertProblem(anonymous, 401, "unauthenticated");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertProblem(
                centre.send(
                        HttpRequest.newBuilder(centre.uri("/api/v1/passes"))
                                .header("Authorization", "Basic d2FsbGV0LXRlc3Q6d3Jvbmc=")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")),
                        null),
                401,
                "unauthenticated");
        assertProblem(
                centre.post("/api/v1/passes", admin, "{\"personId\":\"P-ADMIT\",\"static\":true}"), 403, "forbidden");
        assertProblem(
                centre.post("/api/v1/revocations", wallet, "{\"personId\":\"P-ADMIT\",\"reason\":\"x\"}"),
                403,
                "forbidden");
        assertProblem(centre.get("/metrics", wallet), 403, "forbidden");
    }

    static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = TestCentre.json(response);
        assertThat(problem.path("type").asText()).isEqualTo("https://checkpass.kr/problems/" + type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).isNotBlank();
    }
}
