package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.server.auth.Role;
import io.checkpass.server.notify.sms.InProcessSmsc;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.support.VerifyCli;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's end to end: a PCR negative posted by a laboratory becomes one SMS at the in-process SMSC (over SMPP),
 * carrying the short link to the holder's paper pass; the link's pass is a QR that {@code checkpass verify}, pinned
 * to the centre's trust anchor, answers with CHECK_ID. The door trusts the QR, never the text.
 */
class SmsProofEndToEndTest {
    /** Noon KST on a day the pass was enforced at karaoke rooms (it was lifted there on 1 Mar 2022). */
    private static final Instant NOON_KST = Instant.parse("2022-01-04T03:00:00Z");

    private static final String BASE = "https://pass.example.go.kr";
    private static final Pattern LINK = Pattern.compile(Pattern.quote(BASE) + "/p/([A-Za-z0-9_-]{22})");

    @TempDir
    static Path temp;

    private static TestCentre centre;
    private static String lab;

    @BeforeAll
    static void start() {
        centre = new TestCentre(
                NOON_KST,
                Map.of(
                        "notify.enabled", "true",
                        "notify.poll-interval", "PT0.05S",
                        "sms.enabled", "true",
                        "sms.in-process", "true",
                        "sms.port", "0",
                        "sms.source-address", "1339",
                        "server.public-base-url", BASE + "/"));
        lab = centre.client("lab-e2e", Role.LAB);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("E2E-PCR", "김철수", LocalDate.of(1985, 7, 1), Optional.of("010-7777-0001"))));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void a_posted_pcr_negative_is_one_sms_whose_link_opens_a_qr_the_door_answers_with_check_id() throws Exception {
        var posted = centre.post("/api/v1/lab-results", lab, """
                {"personId": "E2E-PCR", "kind": "pcr", "positive": false, "resultAt": "2022-01-04T11:00:00+09:00"}""");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);

        InProcessSmsc smsc = centre.server.notifications().smsc().orElseThrow();
        long until = System.nanoTime() + 10_000_000_000L;
        while (smsc.received().stream().noneMatch(r -> r.to().equals("01077770001")) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        var sms = assertThat(smsc.received())
                .filteredOn(r -> r.to().equals("01077770001"))
                .singleElement()
                .actual();
        assertThat(sms.text())
                .startsWith("[checkpass] PCR 검사 결과: 음성 (2022-01-04)")
                .contains("입구에서는 이 문자가 아니라 링크 속 QR 코드를 확인합니다");
        Matcher link = LINK.matcher(sms.text());
        assertThat(link.find()).as(sms.text()).isTrue();

        // What the link's page shows: the paper pass, static (not bound to a device).
        var proof = centre.get("/api/v1/proofs/" + link.group(1), null);
        assertThat(proof.statusCode()).as(proof.body()).isEqualTo(200);
        JsonNode pass = TestCentre.json(proof);
        assertThat(pass.path("deviceBound").asBoolean()).isFalse();
        assertThat(pass.path("maskedName").asText()).isEqualTo("김*수");

        JsonNode verdict = VerifyCli.verify(
                centre,
                temp,
                NOON_KST.plusSeconds(60),
                "karaoke",
                pass.path("qr").asText());
        assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("CHECK_ID");
    }
}
