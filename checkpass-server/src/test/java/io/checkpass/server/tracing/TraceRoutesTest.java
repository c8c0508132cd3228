package io.checkpass.server.tracing;

import static io.checkpass.server.tracing.SeededDay.DAY_END;
import static io.checkpass.server.tracing.SeededDay.DAY_START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.checkpass.core.registry.PersonId;
import io.checkpass.server.auth.Authenticator;
import io.checkpass.server.auth.Role;
import io.checkpass.server.auth.SessionTokens;
import io.checkpass.server.http.BodyReader;
import io.checkpass.server.http.Guard;
import io.checkpass.server.http.HttpApi;
import io.checkpass.server.http.Readiness;
import io.checkpass.server.http.RouteClasses;
import io.checkpass.server.http.TraceRoutes;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.tracing.SeededDay.Expected;
import io.checkpass.server.tracing.TraceRequest.Subject;
import io.checkpass.server.visits.ContactCipher;
import io.helidon.webserver.WebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TraceRoutes} registered on a small Helidon server through {@link HttpApi}, over a seeded day on real PostgreSQL. */
class TraceRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static TestCentre centre;
    static SeededDay day;
    static WebServer server;
    static BodyReader bodies;
    static String tracer;
    static String auditor;

    @BeforeAll
    static void start() throws IOException {
        centre = new TestCentre(TracerTest.TRACED_AT);
        ContactCipher cipher = ContactCipher.open(Files.createTempDirectory("checkpass-visit-key"), Optional.empty());
        var offline = centre.server.centre();
        day = new SeededDay(offline, cipher, centre.clock);
        tracer = centre.client("tracer-lee", Role.TRACER);
        auditor = centre.client("auditor-park", Role.AUDITOR);
        var db = offline.database().dataSource();
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var config = centre.server.config();
        bodies = new BodyReader(config.server().readTimeout());
        var guard = new Guard(
                new Authenticator(offline.apiClients(), Duration.ofSeconds(5)),
                SessionTokens.open(centre.dataDir, SessionTokens.SCANNER_KEY_FILE, centre.clock, Duration.ofDays(1)),
                config.limits().perClient(),
                bodies);
        var routes = new TraceRoutes(new Tracer(
                offline.database().identity(),
                offline.database().visits(),
                cipher,
                offline.audit(),
                centre.clock,
                Duration.ofMinutes(60)));
        var api = new HttpApi(RouteClasses.of(config.limits(), bodies, metrics), guard, metrics, new Readiness(db))
                .add(routes::register);
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false)
                .routing(api::routing)
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        bodies.close();
        centre.close();
    }

    static ObjectNode body() {
        return JSON.createObjectNode()
                .put("caseId", "2021-서울-0042")
                .put("reason", "확진자 역학조사")
                .put("personId", SeededDay.CASE_PERSON)
                .put("from", "2021-12-13T00:00:00+09:00")
                .put("to", "2021-12-14T00:00:00+09:00");
    }

    /** Through {@link TestCentre#send}, which adds the client's credentials, to this test's own server. */
    static HttpResponse<String> post(String path, String clientId, JsonNode body, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return centre.send(request, clientId);
    }

    @Test
    void a_tracer_gets_the_co_visitors_as_json_and_the_auditor_reads_every_resolution() {
        var response = post("/api/v1/traces", tracer, body().put("dwellMinutes", 45), null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode json = TestCentre.json(response);
        assertThat(json.path("dwellMinutes").asInt()).isEqualTo(45);
        Set<Expected> found = new HashSet<>();
        for (JsonNode contact : json.path("contacts")) {
            String who = switch (contact.path("resolution").asText()) {
                case "ledger" -> "person:" + contact.path("personId").asText();
                case "contact" -> "phone:" + contact.path("phone").asText();
                default -> contact.path("identity").asText();
            };
            for (JsonNode e : contact.path("encounters")) {
                found.add(new Expected(
                        who,
                        UUID.fromString(e.path("caseCheckinId").asText()),
                        UUID.fromString(e.path("contactCheckinId").asText())));
            }
        }
        SeededDay.Answer answer = day.expected(
                new Subject.Person(new PersonId(SeededDay.CASE_PERSON)), DAY_START, DAY_END, Duration.ofMinutes(45));
        assertThat(found).isEqualTo(answer.encounters());

        String traceId = json.path("traceId").asText();
        var audit = centre.get("/api/v1/audit?limit=5000&from=2021-12-01T00:00:00Z", auditor);
        assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
        List<String> subjects = new ArrayList<>();
        for (JsonNode entry : TestCentre.json(audit).path("entries")) {
            if (entry.path("detail").path("traceId").asText().equals(traceId)
                    && entry.path("action").asText().equals("trace-resolve")) {
                assertThat(entry.path("actor").asText()).isEqualTo(tracer);
                subjects.add(entry.path("subject").asText());
            }
        }
        List<String> resolved = new ArrayList<>();
        json.path("contacts").forEach(k -> {
            if (k.path("resolved").asBoolean()) {
                resolved.add(k.path("identity").asText());
            }
        });
        assertThat(subjects)
                .containsExactlyInAnyOrderElementsOf(resolved)
                .hasSize(json.path("counts").path("resolved").asInt())
                .isNotEmpty();
    }

    @Test
    void the_csv_export_parses_back_to_the_rows_of_the_json_answer() {
        var json = TestCentre.json(post("/api/v1/traces", tracer, body(), null));
        var byAccept = post("/api/v1/traces", tracer, body(), "text/csv");
        var byQuery = post("/api/v1/traces?format=csv", tracer, body(), null);

        assertThat(byAccept.statusCode()).as(byAccept.body()).isEqualTo(200);
        assertThat(byAccept.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(byAccept.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(d -> assertThat(d).contains(".csv"));
        assertThat(byAccept.body()).contains("\r\n");
        assertThat(byQuery.body()).isEqualTo(byAccept.body());

        List<List<String>> records = new ArrayList<>();
        CsvReader.builder().ofCsvRecord(byAccept.body()).forEach((CsvRecord r) -> records.add(r.getFields()));
        assertThat(records.getFirst()).containsExactlyElementsOf(TraceCsv.COLUMNS);
        List<List<String>> expected = new ArrayList<>();
        for (JsonNode k : json.path("contacts")) {
            for (JsonNode e : k.path("encounters")) {
                expected.add(List.of(
                        json.path("caseId").asText(),
                        k.path("identity").asText(),
                        k.path("resolution").asText(),
                        k.path("personId").asText(""),
                        k.path("name").asText(""),
                        k.path("phone").asText(""),
                        e.path("venueId").asText(),
                        e.path("venueName").asText(""),
                        e.path("caseVisitAt").asText(),
                        e.path("contactVisitAt").asText(),
                        e.path("channel").asText(),
                        e.path("verdict").asText(""),
                        BigDecimal.valueOf(e.path("overlapSeconds").asLong())
                                .divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_UP)
                                .toPlainString()));
            }
        }
        assertThat(records.subList(1, records.size())).containsExactlyElementsOf(expected);
        assertThat(expected)
                .hasSize(day.expected(
                                new Subject.Person(new PersonId(SeededDay.CASE_PERSON)),
                                DAY_START,
                                DAY_END,
                                Duration.ofMinutes(60))
                        .encounters()
                        .size());
    }

    @Test
    void a_client_without_the_tracer_role_is_refused_with_403_and_one_without_credentials_with_401() {
        var forbidden = post("/api/v1/traces", auditor, body(), null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(post("/api/v1/traces", null, body(), null).statusCode()).isEqualTo(401);
    }

    @Test
    void bad_requests_are_400_problems_that_name_the_field() {
        List<String> mismatches = new ArrayList<>();
        record Case(String name, ObjectNode body, String detail) {}
        List<Case> cases = List.of(
                new Case("no case id", (ObjectNode) body().without("caseId"), "caseId is required"),
                new Case("blank case id", body().put("caseId", "  "), "caseId is required"),
                new Case("long case id", body().put("caseId", "x".repeat(65)), "caseId is at most 64"),
                new Case("no reason", (ObjectNode) body().without("reason"), "reason is required"),
                new Case("two subjects", body().put("serial", "00112233445566778899aabb"), "exactly one of"),
                new Case("no subject", (ObjectNode) body().without("personId"), "exactly one of"),
                new Case("bad serial", ((ObjectNode) body().without("personId")).put("serial", "xyz"), "serial:"),
                new Case(
                        "bad phone",
                        ((ObjectNode) body().without("personId")).put("phone", "12"),
                        "not a phone number"),
                new Case("dwell 0", body().put("dwellMinutes", 0), "dwellMinutes must be 1..720"),
                new Case("dwell 721", body().put("dwellMinutes", 721), "dwellMinutes must be 1..720"),
                new Case("dwell text", body().put("dwellMinutes", "60"), "dwellMinutes must be a whole number"),
                new Case("window reversed", body().put("to", "2021-12-12T00:00:00+09:00"), "from < to"),
                new Case("window too long", body().put("to", "2022-02-01T00:00:00+09:00"), "at most 28 days"),
                new Case("no offset", body().put("from", "2021-12-13T00:00:00"), "from must be an ISO-8601 instant"));
        for (Case c : cases) {
            var response = post("/api/v1/traces", tracer, c.body(), null);
            String type = response.headers().firstValue("Content-Type").orElse("");
            String detail = response.statusCode() == 400
                    ? TestCentre.json(response).path("detail").asText()
                    : "";
            if (response.statusCode() != 400
                    || !type.equals("application/problem+json")
                    || !detail.contains(c.detail())) {
                mismatches.add(c.name() + ": " + response.statusCode() + " " + response.body());
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(post("/api/v1/traces?format=xml", tracer, body(), null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void a_trace_of_an_unknown_person_is_404() {
        var response = post("/api/v1/traces", tracer, body().put("personId", "NO-SUCH-PERSON"), null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestCentre.json(response).path("type").asText()).endsWith("/unknown-person");
    }
}
