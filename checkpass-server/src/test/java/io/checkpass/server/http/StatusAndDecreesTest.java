package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.Verdict;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.server.auth.Role;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.support.TestCentre;
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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's stories, dated, on the real centre (PostgreSQL, HTTP on port 0): the credential follows the registry the
 * same day, revocation holds everywhere, decrees are published at runtime, guidance weeks admit with a notice, and a
 * counter-printed paper pass lasts for its status window.
 */
class StatusAndDecreesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final VenueType KARAOKE = new VenueType("karaoke");
    private static final VenueType PC_CAFE = new VenueType("pc_cafe");

    static TestCentre centre;
    static String wallet;
    static String lab;
    static String admin;
    static String clerk;

    static Instant kst(int year, int month, int day, int hour, int minute) {
        return OffsetDateTime.of(year, month, day, hour, minute, 0, 0, ZoneOffset.ofHours(9))
                .toInstant();
    }

    @BeforeAll
    static void start() {
        centre = new TestCentre(kst(2022, 1, 20, 9, 0));
        wallet = centre.client("wallet-s12", Role.WALLET_PROVIDER);
        lab = centre.client("lab-s12", Role.LAB);
        admin = centre.client("admin-s12", Role.ISSUER_ADMIN);
        clerk = centre.client("clerk-s12", Role.COUNTER_CLERK);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("S-PCR", "박검사", LocalDate.of(1980, 2, 2), Optional.empty()),
                        new PersonRecord("S-BOOST", "최접종", LocalDate.of(1975, 5, 5), Optional.empty()),
                        new ImmunizationRecord("S-BOOST", LocalDate.of(2021, 6, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("S-BOOST", LocalDate.of(2021, 6, 22), VaccineProduct.PFIZER, 2),
                        new PersonRecord("S-REVOKE", "정취소", LocalDate.of(1990, 1, 1), Optional.empty()),
                        new ImmunizationRecord("S-REVOKE", LocalDate.of(2021, 11, 1), VaccineProduct.MODERNA, 1),
                        new ImmunizationRecord("S-REVOKE", LocalDate.of(2021, 11, 29), VaccineProduct.MODERNA, 2),
                        new PersonRecord("S-PAPER", "한종이", LocalDate.of(1950, 3, 3), Optional.empty()),
                        new ImmunizationRecord("S-PAPER", LocalDate.of(2021, 11, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("S-PAPER", LocalDate.of(2021, 11, 22), VaccineProduct.PFIZER, 2)));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    static String deviceKey(KeyPair device) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed((ECPublicKey)
                device.getPublic()));
    }

    static java.net.http.HttpResponse<String> ask(String personId, KeyPair device) {
        String body = device == null
                ? "{\"personId\":\"" + personId + "\",\"static\":true}"
                : "{\"personId\":\"" + personId + "\",\"devicePublicKey\":\"" + deviceKey(device) + "\"}";
        return centre.post("/api/v1/passes", wallet, body);
    }

    static JsonNode issued(String personId, KeyPair device) {
        var response = ask(personId, device);
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return TestCentre.json(response);
    }

    static VerificationResult verify(JsonNode credential, KeyPair device, Instant at, VenueType venue) {
        byte[] cose =
                Base64.getUrlDecoder().decode(credential.path("credential").asText());
        String text = device == null
                ? Presentation.ofStatic(cose).toText()
                : new HolderDevice((ECPrivateKey) device.getPrivate(), TestCentre.ES256)
                        .present(cose, at)
                        .toText();
        return new PassVerifier(centre.bundle().bundle(), TestCentre.ES256, Clock.fixed(at, ZoneOffset.UTC))
                .verify(text, venue);
    }

    @Test
    void a_pcr_negative_posted_at_09_30_is_in_the_09_31_credential() {
        KeyPair device = TestCentre.ES256.generateKeyPair();
        centre.clock.set(kst(2022, 1, 20, 9, 0));
        JsonNode morning = issued("S-PCR", device);
        assertThat(morning.path("status").asText()).isEqualTo("unvaccinated");

        centre.clock.set(kst(2022, 1, 20, 9, 30));
        var posted = centre.post(
                "/api/v1/lab-results",
                lab,
                "{\"personId\":\"S-PCR\",\"kind\":\"pcr\",\"positive\":false,\"resultAt\":\"2022-01-20T09:25:00+09:00\"}");
        assertThat(posted.statusCode()).as(posted.body()).isIn(200, 201);

        centre.clock.set(kst(2022, 1, 20, 9, 31));
        var after = ask("S-PCR", device);
        assertThat(after.statusCode()).isEqualTo(201);
        JsonNode tested = TestCentre.json(after);
        assertThat(tested.path("status").asText()).isEqualTo("tested");
        assertThat(tested.path("serial").asText())
                .isNotEqualTo(morning.path("serial").asText());
        assertThat(verify(tested, device, kst(2022, 1, 20, 9, 31), KARAOKE).reason())
                .isEqualTo(Reason.VALID);

        // Unchanged since: served again from the ledger, same serial.
        centre.clock.set(kst(2022, 1, 20, 12, 0));
        var lunch = ask("S-PCR", device);
        assertThat(lunch.statusCode()).isEqualTo(200);
        assertThat(TestCentre.json(lunch).path("serial").asText())
                .isEqualTo(tested.path("serial").asText());
    }

    @Test
    void a_booster_given_today_is_in_todays_credential() {
        KeyPair device = TestCentre.ES256.generateKeyPair();
        centre.clock.set(kst(2022, 1, 21, 8, 0));
        JsonNode lapsed = issued("S-BOOST", device);
        // Dose 2 on 22 Jun 2021: past 180 days and past the guidance week.
        assertThat(lapsed.path("status").asText()).isEqualTo("unvaccinated");

        centre.server
                .centre()
                .registry()
                .upsert(List.of(
                        new ImmunizationRecord("S-BOOST", LocalDate.of(2022, 1, 21), VaccineProduct.MODERNA, 3)));
        centre.clock.set(kst(2022, 1, 21, 11, 0));
        JsonNode boosted = issued("S-BOOST", device);
        assertThat(boosted.path("status").asText()).isEqualTo("vaccinated");
        assertThat(boosted.path("statusValidFrom").asText()).isEqualTo("2022-01-20T15:00:00Z");
        assertThat(verify(boosted, device, kst(2022, 1, 21, 12, 0), KARAOKE).reason())
                .isEqualTo(Reason.VALID);
    }

    @Test
    void a_revoked_person_gets_403_on_a_new_device_and_as_a_static_pass_until_the_revocation_is_lifted() {
        centre.clock.set(kst(2022, 1, 22, 10, 0));
        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode before = issued("S-REVOKE", device);

        var revoked = centre.post(
                "/api/v1/revocations", admin, "{\"personId\":\"S-REVOKE\",\"reason\":\"forged registry entry\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(201);
        assertThat(TestCentre.json(revoked).path("revoked").toString())
                .contains(before.path("serial").asText());

        for (KeyPair any : new KeyPair[] {device, TestCentre.ES256.generateKeyPair(), null}) {
            var refused = ask("S-REVOKE", any);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(TestCentre.json(refused).path("type").asText()).endsWith("/revoked");
        }
        // Issue-ahead skips them too, and says why.
        List<Refusal> refusals = new ArrayList<>();
        centre.server
                .centre()
                .issuance()
                .issueAheadForAll(
                        "issue-ahead",
                        LocalDate.of(2022, 1, 23),
                        IssuanceService.AheadScope.ELIGIBLE,
                        true,
                        new IssuanceService.AheadProgress() {
                            @Override
                            public void person(String personId) {}

                            @Override
                            public void refused(String personId, Refusal refusal) {
                                refusals.add(refusal);
                            }
                        });
        assertThat(refusals).contains(new Refusal.PersonRevoked("S-REVOKE"));

        var lift = centre.post(
                "/api/v1/revocation-lifts", admin, "{\"personId\":\"S-REVOKE\",\"reason\":\"registry corrected\"}");
        assertThat(lift.statusCode()).as(lift.body()).isEqualTo(200);
        JsonNode after = issued("S-REVOKE", device);
        assertThat(after.path("serial").asText())
                .isNotEqualTo(before.path("serial").asText());
        // The old serial stays revoked in the bundle.
        assertThat(verify(before, device, kst(2022, 1, 22, 10, 5), KARAOKE).reason())
                .isEqualTo(Reason.REVOKED);
        assertThat(verify(after, device, kst(2022, 1, 22, 10, 5), KARAOKE).reason())
                .isEqualTo(Reason.VALID);
        var again = centre.post("/api/v1/revocation-lifts", admin, "{\"personId\":\"S-REVOKE\",\"reason\":\"twice\"}");
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(TestCentre.json(again).path("type").asText()).endsWith("/not-revoked");
    }

    @Test
    void a_revoked_serial_is_never_served_again_the_next_request_gets_a_replacement() {
        centre.clock.set(kst(2022, 1, 26, 10, 0));
        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode first = issued("S-PAPER", device);
        var revoked = centre.post(
                "/api/v1/revocations",
                admin,
                "{\"serial\":\"" + first.path("serial").asText() + "\",\"reason\":\"phone reported stolen\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(201);

        var again = ask("S-PAPER", device);
        assertThat(again.statusCode()).isEqualTo(201);
        JsonNode replacement = TestCentre.json(again);
        assertThat(replacement.path("serial").asText())
                .isNotEqualTo(first.path("serial").asText());
        assertThat(replacement.path("status").asText())
                .isEqualTo(first.path("status").asText());
        // And the replacement is what is served from then on.
        var third = ask("S-PAPER", device);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(TestCentre.json(third).path("serial").asText())
                .isEqualTo(replacement.path("serial").asText());
    }

    static ObjectNode venueDecree(String id, Instant from, Optional<Instant> until, List<String> passRequired) {
        ObjectNode set = JSON.createObjectNode()
                .put("id", id)
                .put("effectiveFrom", from.atOffset(ZoneOffset.ofHours(9)).toString());
        until.ifPresent(u -> set.put("until", u.atOffset(ZoneOffset.ofHours(9)).toString()));
        set.putObject("title").put("ko", "시험 고시").put("en", "test decree");
        passRequired.forEach(set.putArray("passRequired")::add);
        List.of("vaccinated", "tested", "recovered", "exempt", "minor").forEach(set.putArray("admit")::add);
        set.putArray("conditional");
        ObjectNode decree = JSON.createObjectNode().put("kind", "venue");
        decree.set("ruleSet", set);
        return decree;
    }

    @Test
    void a_rule_published_today_for_tomorrow_changes_nothing_today_and_everything_tomorrow() {
        Instant today = kst(2022, 2, 10, 10, 0);
        Instant tomorrow = kst(2022, 2, 11, 0, 0);
        centre.clock.set(today);
        ObjectNode decree = venueDecree(
                "KR-TEST-2022-02-11", tomorrow, Optional.empty(), List.of("entertainment", "karaoke", "pc_cafe"));

        var preview = centre.post("/api/v1/rules/preview", admin, decree.toString());
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat(TestCentre.json(preview).path("changes").toString()).contains("passRequired − restaurant_cafe");

        var published = centre.post("/api/v1/rules", admin, decree.toString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        long bundleVersion = TestCentre.json(published).path("bundleVersion").asLong();
        assertThat(centre.bundle().bundle().version()).isGreaterThanOrEqualTo(bundleVersion);

        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode credential = issued("S-PAPER", device);
        VenueType restaurant = new VenueType("restaurant_cafe");
        KeyPair unvaccinated = TestCentre.ES256.generateKeyPair();
        JsonNode none = issued("S-PCR", unvaccinated);
        assertThat(none.path("status").asText()).isIn("unvaccinated", "tested");
        // Today: the restaurant still requires a pass (the party rule applies); tomorrow it needs none.
        assertThat(verify(credential, device, today, restaurant).reason()).isEqualTo(Reason.VALID);
        assertThat(verify(credential, device, tomorrow.plusSeconds(60), restaurant)
                        .reason())
                .isEqualTo(Reason.PASS_NOT_REQUIRED);

        // The past cannot be rewritten without a correction.
        ObjectNode past = venueDecree("KR-TEST-PAST", kst(2022, 2, 9, 0, 0), Optional.empty(), List.of("karaoke"));
        var refused = centre.post("/api/v1/rules", admin, past.toString());
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(TestCentre.json(refused).path("type").asText()).endsWith("/rules-rejected");
        assertThat(TestCentre.json(refused).path("detail").asText()).contains("correction");

        var audit = centre.get("/api/v1/audit?action=rules-publish", centre.client("auditor-s12", Role.AUDITOR));
        assertThat(audit.body()).contains("KR-TEST-2022-02-11");
    }

    @Test
    void an_emergency_decree_reaches_a_scanners_bundle_and_admits_with_a_notice_until_it_lapses() {
        Instant announced = kst(2022, 2, 14, 12, 40);
        Instant from = kst(2022, 2, 14, 12, 45);
        Instant midnight = kst(2022, 2, 15, 0, 0);
        centre.clock.set(announced);
        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode unvaccinated = issued("S-PCR", device);
        assertThat(verify(unvaccinated, device, announced, KARAOKE).verdict()).isEqualTo(Verdict.DENY);

        ObjectNode decree = venueDecree(
                "KR-TEST-EMERGENCY", from, Optional.of(midnight), List.of("entertainment", "karaoke", "pc_cafe"));
        ((ObjectNode) decree.get("ruleSet"))
                .putArray("guidance")
                .addObject()
                .put("until", midnight.atOffset(ZoneOffset.ofHours(9)).toString())
                .putObject("notice")
                .put("ko", "오늘은 과태료를 부과하지 않습니다")
                .put("en", "Not enforced today");
        var published = centre.post("/api/v1/rules", admin, decree.toString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);

        // The scanner's next bundle fetch carries it.
        VerificationResult during = verify(unvaccinated, device, from.plusSeconds(60), KARAOKE);
        assertThat(during.verdict()).isEqualTo(Verdict.ADMIT);
        assertThat(during.reason()).isEqualTo(Reason.GUIDANCE_PERIOD);
        assertThat(((VerificationResult.AdmittedDuringGuidance) during).notice().en())
                .isEqualTo("Not enforced today");
        centre.clock.set(midnight.plusSeconds(60));
        JsonNode nextDay = issued("S-PCR", device);
        assertThat(verify(nextDay, device, midnight.plusSeconds(60), KARAOKE).verdict())
                .isEqualTo(Verdict.DENY);
    }

    @Test
    void a_guidance_week_gives_admit_with_a_notice() {
        // 8 Dec 2021, the guidance week of the 6 Dec decree: PC cafés newly need a pass, without fines until 13 Dec.
        Instant dec8 = kst(2021, 12, 8, 12, 0);
        centre.clock.set(dec8);
        KeyPair device = TestCentre.ES256.generateKeyPair();
        JsonNode unvaccinated = issued("S-PCR", device);
        assertThat(unvaccinated.path("status").asText()).isEqualTo("unvaccinated");

        VerificationResult pcCafe = verify(unvaccinated, device, dec8.plusSeconds(5), PC_CAFE);
        assertThat(pcCafe.verdict()).isEqualTo(Verdict.ADMIT);
        assertThat(pcCafe.reason()).isEqualTo(Reason.GUIDANCE_PERIOD);
        var guidance = (VerificationResult.AdmittedDuringGuidance) pcCafe;
        assertThat(guidance.notice().ko()).contains("12월 13일부터");
        assertThat(guidance.enforcedFrom()).isEqualTo(kst(2021, 12, 13, 0, 0));
        // Karaoke needed the pass since November: refused.
        assertThat(verify(unvaccinated, device, dec8.plusSeconds(6), KARAOKE).reason())
                .isEqualTo(Reason.NOT_ACCEPTED_HERE);

        Instant dec13 = kst(2021, 12, 13, 12, 0);
        centre.clock.set(dec13);
        JsonNode later = issued("S-PCR", device);
        assertThat(verify(later, device, dec13.plusSeconds(5), PC_CAFE).reason())
                .isEqualTo(Reason.NOT_ACCEPTED_HERE);
    }

    @Test
    void a_counter_printed_paper_pass_verifies_as_check_id_for_its_whole_window() {
        Instant counter = kst(2022, 1, 24, 10, 0);
        centre.clock.set(counter);
        var lookup = centre.get("/api/v1/counter/persons/S-PAPER", clerk);
        assertThat(lookup.statusCode()).as(lookup.body()).isEqualTo(200);
        assertThat(TestCentre.json(lookup).path("name").asText()).isEqualTo("한종이");

        var unchecked = centre.post(
                "/api/v1/counter/passes", clerk, "{\"personId\":\"S-PAPER\",\"idDocument\":\"resident-card\"}");
        assertThat(unchecked.statusCode()).isEqualTo(400);

        var printed = centre.post(
                "/api/v1/counter/passes",
                clerk,
                "{\"personId\":\"S-PAPER\",\"idDocument\":\"resident-card\",\"idChecked\":true}");
        assertThat(printed.statusCode()).as(printed.body()).isIn(200, 201);
        JsonNode paper = TestCentre.json(printed);
        assertThat(paper.path("deviceBound").asBoolean()).isFalse();
        // Dose 2 on 22 Nov 2021: valid through day 180, 21 May 2022; the paper lasts as long.
        assertThat(paper.path("statusValidUntil").asText()).isEqualTo("2022-05-21T15:00:00Z");
        assertThat(paper.path("expiresAt").asText()).isEqualTo("2022-05-21T15:00:00Z");

        // CHECK_ID while the pass is required (until the suspension of 1 Mar 2022), across the rapid-antigen decree
        // of 3 Feb that changes nothing for a vaccinated person; still a valid credential on its last day; expired
        // after it.
        for (Instant at : List.of(counter, kst(2022, 2, 3, 12, 0), kst(2022, 2, 28, 23, 59))) {
            assertThat(verify(paper, null, at, KARAOKE).verdict())
                    .as("at %s", at)
                    .isEqualTo(Verdict.CHECK_ID);
        }
        assertThat(verify(paper, null, kst(2022, 5, 21, 23, 59), KARAOKE).reason())
                .isEqualTo(Reason.PASS_NOT_REQUIRED);
        assertThat(verify(paper, null, kst(2022, 5, 22, 0, 1), KARAOKE).reason())
                .isEqualTo(Reason.CREDENTIAL_EXPIRED);

        var audit = centre.get("/api/v1/audit?action=counter-id-check", centre.client("auditor-p12", Role.AUDITOR));
        assertThat(audit.body()).contains("person:S-PAPER", "resident-card");
    }
}
