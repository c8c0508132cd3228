package io.checkpass.server.http;

import static io.checkpass.server.http.CentreApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/clients}: issuer-admins create, list, rotate, disable and enable API clients; nobody else may. */
class ClientRoutesTest {
    static final Instant NOW = Instant.parse("2021-12-13T03:00:00Z");

    static TestCentre centre;
    static String admin;
    static String tracer;

    @BeforeAll
    static void start() {
        centre = new TestCentre(NOW);
        admin = centre.client("admin-clients", Role.ISSUER_ADMIN);
        tracer = centre.client("tracer-clients", Role.TRACER);
        var venue = centre.post(
                "/api/v1/venues",
                admin,
                "{\"venueId\":\"club-1\",\"businessNumber\":\"1\",\"name\":\"클럽\",\"address\":\"서울\","
                        + "\"region\":\"서울\",\"venueType\":\"entertainment\"}");
        assertThat(venue.statusCode()).as(venue.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void an_admin_creates_a_client_whose_secret_works_and_shows_once_then_rotates_and_disables_it_at_once() {
        var created = centre.post(
                "/api/v1/clients",
                admin,
                "{\"clientId\":\"lab-seoul\",\"displayName\":\"서울 검사소\",\"roles\":[\"lab\",\"auditor\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = TestCentre.json(created);
        assertThat(body.path("roles").toString()).isEqualTo("[\"auditor\",\"lab\"]");
        assertThat(body.path("disabled").asBoolean()).isFalse();
        String lab = centre.adopt("lab-seoul", body.path("secret").asText());
        assertThat(centre.get("/api/v1/me", lab).statusCode()).isEqualTo(200);

        JsonNode list = TestCentre.json(centre.get("/api/v1/clients", admin));
        List<String> ids = new ArrayList<>();
        list.path("clients").forEach(c -> ids.add(c.path("clientId").asText()));
        assertThat(ids).contains("admin-clients", "tracer-clients", "lab-seoul");
        assertThat(list.toString()).doesNotContain(centre.secretOf(lab)).doesNotContain("secret");

        String oldBasic = centre.basic(lab);
        var rotated = centre.post("/api/v1/clients/lab-seoul/rotate", admin, "{}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        centre.adopt(lab, TestCentre.json(rotated).path("secret").asText());
        assertThat(centre.send(
                                HttpRequest.newBuilder(centre.uri("/api/v1/me"))
                                        .header("Authorization", oldBasic)
                                        .GET(),
                                null)
                        .statusCode())
                .as("the old secret, on the very next request: the route dropped it from the cache")
                .isEqualTo(401);
        assertThat(centre.get("/api/v1/me", lab).statusCode()).isEqualTo(200);

        var disabled = centre.post("/api/v1/clients/lab-seoul/disable", admin, "{}");
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(TestCentre.json(disabled).path("disabled").asBoolean()).isTrue();
        assertThat(centre.get("/api/v1/me", lab).statusCode()).isEqualTo(401);
        assertThat(centre.post("/api/v1/clients/lab-seoul/enable", admin, "{}").statusCode())
                .isEqualTo(200);
        assertThat(centre.get("/api/v1/me", lab).statusCode()).isEqualTo(200);

        assertThat(centre.server.centre().audit().read(NOW.minusSeconds(1), NOW.plusSeconds(1), 100).stream()
                        .filter(e -> e.subject() != null && e.subject().equals("client:lab-seoul"))
                        .map(e -> e.actor() + " " + e.action()))
                .containsExactlyInAnyOrder(
                        "admin-clients client-create",
                        "admin-clients client-rotate",
                        "admin-clients client-disable",
                        "admin-clients client-enable");
    }

    @Test
    void a_scanner_is_bound_to_its_venue_and_uploads_there() {
        var created = centre.post(
                "/api/v1/clients",
                admin,
                "{\"clientId\":\"club-door\",\"roles\":[\"scanner\"],\"venueId\":\"club-1\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(TestCentre.json(created).path("venueId").asText()).isEqualTo("club-1");
        assertThat(TestCentre.json(created).path("displayName").asText()).isEqualTo("club-door");
        String door = centre.adopt(
                "club-door", TestCentre.json(created).path("secret").asText());
        assertThat(centre.server.centre().venues().venueOfScanner(door)).hasValue("club-1");
        assertThat(TestCentre.json(centre.get("/api/v1/me", door))
                        .path("venue")
                        .path("venueId")
                        .asText())
                .isEqualTo("club-1");
        assertThat(centre.post("/api/v1/checkins", door, "{\"checkins\":[]}").statusCode())
                .isEqualTo(202);
    }

    @Test
    void refusals_are_problems_with_their_status() {
        assertProblem(
                centre.post("/api/v1/clients", admin, "{\"clientId\":\"admin-clients\",\"roles\":[\"lab\"]}"),
                409,
                "client-exists");
        assertProblem(
                centre.post("/api/v1/clients", admin, "{\"clientId\":\"x1\",\"roles\":[\"janitor\"]}"),
                422,
                "client-rejected");
        assertProblem(
                centre.post("/api/v1/clients", admin, "{\"clientId\":\"x1\",\"roles\":[]}"), 422, "client-rejected");
        assertProblem(
                centre.post("/api/v1/clients", admin, "{\"clientId\":\"x1\",\"roles\":[\"scanner\"]}"),
                422,
                "client-rejected");
        assertProblem(
                centre.post(
                        "/api/v1/clients",
                        admin,
                        "{\"clientId\":\"x1\",\"roles\":[\"scanner\"],\"venueId\":\"no-such-venue\"}"),
                422,
                "client-rejected");
        assertProblem(
                centre.post(
                        "/api/v1/clients",
                        admin,
                        "{\"clientId\":\"x1\",\"roles\":[\"scanner\",\"issuer-admin\"],\"venueId\":\"club-1\"}"),
                422,
                "client-rejected");
        assertProblem(
                centre.post(
                        "/api/v1/clients", admin, "{\"clientId\":\"x1\",\"roles\":[\"lab\"],\"venueId\":\"club-1\"}"),
                422,
                "client-rejected");
        assertProblem(
                centre.post("/api/v1/clients", admin, "{\"clientId\":\"Bad Id!\",\"roles\":[\"lab\"]}"),
                422,
                "client-rejected");
        assertProblem(centre.post("/api/v1/clients", admin, "{\"roles\":[\"lab\"]}"), 400, "bad-request");
        assertProblem(
                centre.post("/api/v1/clients", admin, "{\"clientId\":\"x1\",\"roles\":\"lab\"}"), 400, "bad-request");
        assertProblem(
                centre.post("/api/v1/clients", admin, "{\"clientId\":7,\"roles\":[\"lab\"]}"), 400, "bad-request");
        assertProblem(centre.post("/api/v1/clients", admin, "{not json"), 400, "bad-request");
        assertProblem(centre.post("/api/v1/clients/nobody/rotate", admin, "{}"), 404, "unknown-client");
        assertProblem(centre.post("/api/v1/clients/nobody/disable", admin, "{}"), 404, "unknown-client");
        assertThat(centre.server.centre().clientAdministration().find("x1")).isEqualTo(Optional.empty());
    }

    @Test
    void only_issuer_admins_may_manage_clients() {
        assertProblem(centre.get("/api/v1/clients", tracer), 403, "forbidden");
        assertProblem(
                centre.post("/api/v1/clients", tracer, "{\"clientId\":\"mine\",\"roles\":[\"issuer-admin\"]}"),
                403,
                "forbidden");
        assertProblem(centre.post("/api/v1/clients/admin-clients/rotate", tracer, "{}"), 403, "forbidden");
        assertProblem(centre.post("/api/v1/clients/admin-clients/disable", tracer, "{}"), 403, "forbidden");
        assertProblem(centre.get("/api/v1/clients", null), 401, "unauthenticated");
        assertThat(centre.server.centre().clientAdministration().find("mine")).isEmpty();
    }
}
