package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.status.StatusDecision;
import io.checkpass.server.auth.Role;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.support.TestCentre;
import java.security.KeyPair;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A medical rule published today for tomorrow 00:00 that ends many statuses at once (as 3 Jan 2022 did) must not send
 * every wallet to the centre at midnight: issue-ahead for the rule change leaves every known device holding, before
 * 00:00, a credential decided under the new rule, and a wallet that refreshes before then is handed it as {@code
 * next}, from the ledger.
 */
class PreIssuanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TODAY = kst(2022, 4, 5, 15, 0);
    private static final Instant CHANGE = kst(2022, 4, 6, 0, 0);
    private static final int PEOPLE = 24;

    static TestCentre centre;
    static String wallet;
    static String admin;
    static final Map<String, KeyPair> devices = new LinkedHashMap<>();

    static Instant kst(int year, int month, int day, int hour, int minute) {
        return OffsetDateTime.of(year, month, day, hour, minute, 0, 0, ZoneOffset.ofHours(9))
                .toInstant();
    }

    @BeforeAll
    static void start() {
        centre = new TestCentre(TODAY);
        wallet = centre.client("wallet-pre", Role.WALLET_PROVIDER);
        admin = centre.client("admin-pre", Role.ISSUER_ADMIN);
        List<RegistryRecord> records = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String id = "PRE-" + i;
            records.add(new PersonRecord(id, "사람" + i, LocalDate.of(1970 + i, 1, 1), Optional.empty()));
            // Dose 2 spread over Oct 2021 .. Mar 2022: the 90-day rule below ends the older ones' statuses.
            LocalDate dose2 = LocalDate.of(2021, 10, 1).plusDays(7L * i);
            records.add(new ImmunizationRecord(id, dose2.minusDays(21), VaccineProduct.PFIZER, 1));
            records.add(new ImmunizationRecord(id, dose2, VaccineProduct.PFIZER, 2));
        }
        centre.server.centre().registry().upsert(records);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void a_rule_ending_statuses_at_midnight_is_pre_issued_to_every_known_device_before_it() {
        // Every wallet has a device the centre knows.
        for (int i = 0; i < PEOPLE; i++) {
            KeyPair device = TestCentre.ES256.generateKeyPair();
            devices.put("PRE-" + i, device);
            JsonNode credential = issue("PRE-" + i, device);
            assertThat(credential.has("next")).isFalse();
        }

        // Published at 15:00 for tomorrow 00:00: the primary series counts 90 days instead of 180.
        ObjectNode medical = (ObjectNode) centre.server
                .centre()
                .rules()
                .medical()
                .document()
                .path("ruleSets")
                .get(2)
                .deepCopy();
        medical.remove("file");
        medical.put("id", "KR-MED-TEST-90").put("effectiveFrom", "2022-04-06T00:00:00+09:00");
        ((ObjectNode) medical.get("parameters")).put("validityDays", 90);
        ObjectNode decree = JSON.createObjectNode().put("kind", "medical");
        decree.set("ruleSet", medical);
        var published = centre.post("/api/v1/rules", admin, decree.toString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        assertThat(TestCentre.json(published).path("changes").toString()).contains("validityDays: 180 → 90");

        var engine = centre.server.centre().statusEngine();
        var registry = centre.server.centre().registry();
        List<String> ended = new ArrayList<>();
        for (String person : devices.keySet()) {
            var record = registry.find(person).orElseThrow();
            StatusDecision before =
                    engine.decide(record, CHANGE.minusSeconds(1)).orElseThrow();
            StatusDecision after = engine.decide(record, CHANGE).orElseThrow();
            if (before.statusAt(CHANGE.minusSeconds(1)) == PassStatus.VACCINATED
                    && after.statusAt(CHANGE) != PassStatus.VACCINATED) {
                ended.add(person);
            }
        }
        assertThat(ended).as("statuses the new rule ends").hasSizeGreaterThan(PEOPLE / 4);

        // issue-ahead --rule-change, at 20:00.
        centre.clock.set(kst(2022, 4, 5, 20, 0));
        List<Refusal> refusals = new ArrayList<>();
        var summary = centre.server
                .centre()
                .issuance()
                .issueAheadForAll(
                        "issue-ahead",
                        LocalDate.of(2022, 4, 6),
                        IssuanceService.AheadScope.KNOWN_DEVICES,
                        false,
                        new IssuanceService.AheadProgress() {
                            @Override
                            public void person(String personId) {}

                            @Override
                            public void refused(String personId, Refusal refusal) {
                                refusals.add(refusal);
                            }
                        });
        assertThat(refusals).isEmpty();
        assertThat(summary.credentials()).isEqualTo(PEOPLE);

        // At 23:00 each wallet refreshes (in the background) and is handed the next credential from the ledger.
        centre.clock.set(kst(2022, 4, 5, 23, 0));
        for (String person : devices.keySet()) {
            JsonNode now = issue(person, devices.get(person));
            JsonNode next = now.path("next");
            assertThat(next.isObject()).as(person).isTrue();
            assertThat(next.path("reused").asBoolean())
                    .as("%s: pre-issued, not signed now", person)
                    .isTrue();
            assertThat(next.path("ruleSet").asText()).isEqualTo("KR-MED-TEST-90");
            assertThat(Instant.parse(next.path("useFrom").asText())).isEqualTo(CHANGE);
            assertThat(Instant.parse(next.path("expiresAt").asText())).isAfter(CHANGE);
            assertThat(Instant.parse(next.path("issuedAt").asText())).isBefore(CHANGE);
            // The current credential does not outlive the change.
            assertThat(Instant.parse(now.path("expiresAt").asText())).isBeforeOrEqualTo(CHANGE);
            if (ended.contains(person)) {
                assertThat(next.path("status").asText()).isIn("unvaccinated", "vaccinated");
                assertThat(next.has("statusValidUntil")
                                || next.path("status").asText().equals("unvaccinated"))
                        .isTrue();
                if (next.has("statusValidUntil")) {
                    assertThat(Instant.parse(next.path("statusValidUntil").asText()))
                            .isBeforeOrEqualTo(CHANGE);
                }
            } else {
                // Nothing ends for them: the same status under the new rule.
                assertThat(next.path("status").asText())
                        .isEqualTo(now.path("status").asText());
            }
        }

        // After midnight the wallet's refresh is served the same credential: no signature at 00:00.
        centre.clock.set(CHANGE.plusSeconds(30));
        for (String person : ended) {
            var again = centre.post(
                    "/api/v1/passes",
                    wallet,
                    "{\"personId\":\"" + person + "\",\"devicePublicKey\":\""
                            + StatusAndDecreesTest.deviceKey(devices.get(person)) + "\"}");
            assertThat(again.statusCode()).as(person).isEqualTo(200);
        }
    }

    static JsonNode issue(String personId, KeyPair device) {
        var response = centre.post(
                "/api/v1/passes",
                wallet,
                "{\"personId\":\"" + personId + "\",\"devicePublicKey\":\"" + StatusAndDecreesTest.deviceKey(device)
                        + "\"}");
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return TestCentre.json(response);
    }
}
