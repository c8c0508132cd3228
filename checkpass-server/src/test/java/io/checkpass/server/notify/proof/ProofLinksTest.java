package io.checkpass.server.notify.proof;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Verdict;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The SMS proof links over HTTP: short and unguessable, kept as a hash, opening one person's paper pass (CHECK_ID at
 * the door) until its status ends; unknown, ended and withdrawn links answer clearly (a page, or problem+json) and
 * never 500; unknown tokens from one address are throttled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProofLinksTest {
    /** 24 Jan 2022, 10:00 KST: passes enforced; S-PAPER's second dose on 22 Nov 2021 holds until 21 May 2022. */
    static final Instant COUNTER = Instant.parse("2022-01-24T01:00:00Z");

    static final VenueType KARAOKE = new VenueType("karaoke");

    static TestCentre centre;
    static ProofLinkService links;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        centre = new TestCentre(COUNTER, Map.of("server.public-base-url", "https://pass.example.go.kr/"));
        links = centre.server.centre().proofLinks().orElseThrow();
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("S-PAPER", "한종이", LocalDate.of(1950, 3, 3), Optional.empty()),
                        new ImmunizationRecord("S-PAPER", LocalDate.of(2021, 11, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("S-PAPER", LocalDate.of(2021, 11, 22), VaccineProduct.PFIZER, 2),
                        new PersonRecord("S-NONE", "무접종", LocalDate.of(1990, 1, 1), Optional.empty()),
                        new PersonRecord("S-GONE", "정취소", LocalDate.of(1991, 1, 1), Optional.empty()),
                        new ImmunizationRecord("S-GONE", LocalDate.of(2021, 11, 1), VaccineProduct.MODERNA, 1),
                        new ImmunizationRecord("S-GONE", LocalDate.of(2021, 11, 29), VaccineProduct.MODERNA, 2)));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    static String token(URI link) {
        return link.getPath().substring("/p/".length());
    }

    static HttpResponse<String> page(String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(centre.uri("/p/" + token)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void a_link_is_short_unguessable_and_kept_only_as_a_hash() throws Exception {
        URI first = links.paperPassLink(new PersonId("S-PAPER")).orElseThrow();
        URI second = links.paperPassLink(new PersonId("S-PAPER")).orElseThrow();

        assertThat(first.toString()).matches("https://pass\\.example\\.go\\.kr/p/[A-Za-z0-9_-]{22}");
        assertThat(first.toString().length() - "https://pass.example.go.kr".length())
                .as("the base, /p/ and 22 characters: fits an SMS beside its text")
                .isEqualTo(25);
        assertThat(second).isNotEqualTo(first);
        try (Connection c = centre.server.centre().database().identity().getConnection();
                PreparedStatement s =
                        c.prepareStatement("select person_id, expires_at from proof_link where token_sha256 = ?")) {
            s.setBytes(1, Digests.sha256(token(first).getBytes(StandardCharsets.US_ASCII)));
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("S-PAPER");
                assertThat(r.getTimestamp(2).toInstant()).isEqualTo(Instant.parse("2022-05-21T15:00:00Z"));
            }
        }
        var audit = centre.get("/api/v1/audit?action=proof-link-create", centre.client("auditor-proof", Role.AUDITOR));
        assertThat(audit.body()).contains("person:S-PAPER");
    }

    @Test
    @Order(2)
    void the_link_opens_the_persons_paper_pass_which_the_door_answers_with_check_id() throws Exception {
        String token = token(links.paperPassLink(new PersonId("S-PAPER")).orElseThrow());

        var api = centre.get("/api/v1/proofs/" + token, null);
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        JsonNode pass = TestCentre.json(api);
        assertThat(pass.path("deviceBound").asBoolean()).isFalse();
        assertThat(pass.path("maskedName").asText()).isEqualTo("한*이");
        assertThat(pass.path("validUntil").asText()).isEqualTo("2022-05-21T15:00:00Z");
        VerificationResult verdict = new PassVerifier(
                        centre.bundle().bundle(),
                        TestCentre.ES256,
                        Clock.fixed(COUNTER.plusSeconds(60), ZoneOffset.UTC))
                .verify(pass.path("qr").asText(), KARAOKE);
        assertThat(verdict.verdict()).isEqualTo(Verdict.CHECK_ID);

        var html = page(token);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(html.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(html.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(html.body())
                .contains("한*이", "1950", "data:image/png;base64,", "출입구에서는 이 QR 코드를 확인합니다", "not the text message")
                .contains("data-qr-text=\"" + pass.path("qr").asText() + "\"")
                .doesNotContain("한종이");
    }

    @Test
    @Order(3)
    void no_link_for_a_person_without_a_status_a_paper_pass_can_show() {
        assertThat(links.paperPassLink(new PersonId("S-NONE"))).isEmpty();
        assertThat(links.paperPassLink(new PersonId("S-NOBODY"))).isEmpty();
    }

    @Test
    @Order(4)
    void unknown_tokens_answer_404_a_page_in_korean_and_english_and_problem_json() throws Exception {
        for (String token : List.of("AAAAAAAAAAAAAAAAAAAAAA", "short", "..%2F..%2Fetc", "가나다")) {
            var html = page(java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
            assertThat(html.statusCode()).as(token).isEqualTo(404);
            assertThat(html.body()).contains("알 수 없는 링크", "Unknown link");
        }
        var api = centre.get("/api/v1/proofs/AAAAAAAAAAAAAAAAAAAAAA", null);
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(api.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(api.body()).contains("proof-link-unknown");
    }

    @Test
    @Order(5)
    void a_withdrawn_status_ends_the_link_at_once() throws Exception {
        String token = token(links.paperPassLink(new PersonId("S-GONE")).orElseThrow());
        assertThat(page(token).statusCode()).isEqualTo(200);

        centre.server.centre().revocations().revokePerson("admin-proof", "S-GONE", "fraudulent record");

        var html = page(token);
        assertThat(html.statusCode()).isEqualTo(410);
        assertThat(html.body()).contains("만료된 링크", "Link expired");
        assertThat(centre.get("/api/v1/proofs/" + token, null).statusCode()).isEqualTo(410);
    }

    @Test
    @Order(6)
    void the_link_expires_with_the_status() throws Exception {
        String token = token(links.paperPassLink(new PersonId("S-PAPER")).orElseThrow());
        centre.clock.set(Instant.parse("2022-05-21T14:59:00Z"));
        assertThat(page(token).statusCode()).as("the status's last minute").isEqualTo(200);

        centre.clock.set(Instant.parse("2022-05-21T15:00:00Z"));
        var html = page(token);
        assertThat(html.statusCode()).isEqualTo(410);
        assertThat(html.body()).contains("만료된 링크", "Link expired").doesNotContain("data:image/png");
        var api = centre.get("/api/v1/proofs/" + token, null);
        assertThat(api.statusCode()).isEqualTo(410);
        assertThat(api.body()).contains("proof-link-expired");
        assertThat(links.paperPassLink(new PersonId("S-PAPER")))
                .as("no new link once the status has ended")
                .isEmpty();
        centre.clock.set(COUNTER);
    }

    @Test
    @Order(7)
    void an_address_that_tries_unknown_tokens_is_throttled() throws Exception {
        String good = token(links.paperPassLink(new PersonId("S-PAPER")).orElseThrow());
        int status = 0;
        for (int i = 0; i < 25 && status != 429; i++) {
            status = page("B" + String.format("%021d", i)).statusCode();
        }
        assertThat(status).isEqualTo(429);
        var html = page(good);
        assertThat(html.statusCode())
                .as("throttled for every token from that address")
                .isEqualTo(429);
        assertThat(html.body()).contains("잠시 후 다시 시도하세요", "Try again later");
        assertThat(centre.get("/api/v1/proofs/" + good, null).statusCode()).isEqualTo(429);
    }
}
