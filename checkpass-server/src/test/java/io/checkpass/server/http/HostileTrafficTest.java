package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an attacker on the network can send the centre's HTTP edge, against a real server: it stays bounded and live. */
class HostileTrafficTest {
    static TestCentre centre;
    static String monitoring;

    static String doorA;
    static String doorB;

    @BeforeAll
    static void start() {
        // Two upload permits, three requests in flight per client, two seconds for a body: small, so the test is quick.
        centre = new TestCentre(
                Instant.parse("2021-12-13T03:00:00Z"),
                Map.of("limits.ingest", "2", "limits.per-client", "3", "server.read-timeout", "PT2S"));
        monitoring = centre.client("monitoring-hostile", Role.MONITORING);
        Venues venues = centre.server.centre().venues();
        venues.add(new Venues.Venue("hostile-cafe", "1", "카페", "서울", "서울", "restaurant_cafe", Optional.empty()));
        doorA = centre.adopt("door-a", venues.addScanner("hostile-cafe", "door-a", "door a"));
        doorB = centre.adopt("door-b", venues.addScanner("hostile-cafe", "door-b", "door b"));
    }

    /** A scanner's upload that declares 1,000 bytes and sends 13, then stalls. */
    static Socket stalledUpload(String scanner) throws IOException {
        Socket socket = new Socket(centre.uri("/").getHost(), centre.uri("/").getPort());
        socket.setSoTimeout(15_000);
        socket.getOutputStream()
                .write(("POST /api/v1/checkins HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                                + centre.basic(scanner)
                                + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                                + "{\"checkins\":[")
                        .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    static String statusLine(Socket socket) throws IOException {
        return new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
    }

    @Test
    void uploads_stalled_mid_body_hold_no_upload_permit_and_are_cut_off_at_the_deadline() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                stalled.add(stalledUpload(doorA));
            }
            Thread.sleep(300); // let the server take them in
            var otherDoor = centre.post("/api/v1/checkins", doorB, "{\"checkins\":[]}");
            assertThat(otherDoor.statusCode())
                    .as("another venue's upload while three bodies stall (two permits)")
                    .isEqualTo(202);
            try (Socket fourth = stalledUpload(doorA)) {
                assertThat(statusLine(fourth))
                        .as("a fourth request of the same client")
                        .isEqualTo("HTTP/1.1 429");
            }
            for (Socket socket : stalled) {
                // The server closes the connection of a body not in by the deadline (2 s here; the socket waits 15).
                assertThat(statusLine(socket)).isIn("", "HTTP/1.1 408");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        assertThat(centre.post("/api/v1/checkins", doorA, "{\"checkins\":[]}").statusCode())
                .as("the client's slots are free again")
                .isEqualTo(202);
        assertThat(centre.get("/health/live", null).statusCode())
                .as("and the centre stayed live")
                .isEqualTo(200);
    }

    @Test
    void stalled_demo_sign_ins_hold_no_issuance_permit() throws Exception {
        try (TestCentre demo = new TestCentre(
                Instant.parse("2021-12-13T03:00:00Z"),
                Map.of("demo.wallet", "true", "limits.issuance", "2", "server.read-timeout", "PT2S"))) {
            String wallet = demo.client("wallet-hostile", Role.WALLET_PROVIDER);
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket =
                            new Socket(demo.uri("/").getHost(), demo.uri("/").getPort());
                    socket.getOutputStream()
                            .write(("POST /wallet/api/session HTTP/1.1\r\nHost: localhost\r\n"
                                            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"personId\":")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                    stalled.add(socket);
                }
                Thread.sleep(300);
                var issue = demo.post("/api/v1/passes", wallet, "{\"personId\":\"P-NOBODY\",\"static\":true}");
                assertThat(issue.statusCode())
                        .as("issuance while three sign-ins stall (two permits)")
                        .isEqualTo(404);
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void a_client_that_hangs_up_mid_body_is_not_a_server_error() throws Exception {
        try (Socket socket = stalledUpload(doorB)) {
            Thread.sleep(200);
        }
        Thread.sleep(500);
        String metrics = centre.get("/metrics", monitoring).body();
        assertThat(metrics.lines().filter(l -> l.contains("/api/v1/checkins") && l.contains("status=\"500\"")))
                .isEmpty();
    }

    @Test
    void dates_out_of_any_range_the_system_records_are_a_400_not_a_500() throws Exception {
        String auditor = centre.client("auditor-hostile", Role.AUDITOR);
        String admin = centre.client("admin-hostile", Role.ISSUER_ADMIN);
        String tracer = centre.client("tracer-hostile", Role.TRACER);
        String lab = centre.client("lab-hostile", Role.LAB);
        for (String from :
                List.of("-4714-11-24T00:00:00Z", "-999999999-01-01T00:00:00Z", "+999999999-12-31T00:00:00Z")) {
            assertThat(centre.get("/api/v1/audit?from=" + from, auditor).statusCode())
                    .as(from)
                    .isEqualTo(400);
        }
        for (String day : List.of("-4714-11-24", "-999999999-01-01")) {
            assertThat(centre.get("/api/v1/stats/checkins?day=" + day, admin).statusCode())
                    .as(day)
                    .isEqualTo(400);
        }
        var trace = centre.post("/api/v1/traces", tracer, """
                {"caseId":"c","reason":"r","personId":"P-1","from":"-4714-11-24T00:00:00Z","to":"2021-12-14T00:00:00+09:00"}""");
        assertThat(trace.statusCode()).isEqualTo(400);
        String result = Files.readString(Path.of("..", "examples", "lab-result.json"))
                .replaceAll("\"resultAt\"\\s*:\\s*\"[^\"]*\"", "\"resultAt\": \"-4714-11-24T00:00:00Z\"");
        assertThat(result).contains("-4714");
        var labPost = centre.post("/api/v1/lab-results", lab, result);
        assertThat(labPost.statusCode()).as(labPost.body()).isBetween(400, 499);
    }

    @Test
    void failed_sign_ins_from_one_address_are_throttled_even_for_a_right_secret_then() {
        // A centre of its own: the throttle counts per address, and every test here comes from 127.0.0.1.
        try (TestCentre own = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"))) {
            String admin = own.client("admin-throttle", Role.ISSUER_ADMIN);
            var wrong = HttpRequest.newBuilder(own.uri("/api/v1/venues"))
                    .header(
                            "Authorization",
                            "Basic " + Base64.getEncoder().encodeToString("admin-throttle:guess".getBytes()));
            for (int i = 0; i < Guard.FAILED_LOGINS_BEFORE_THROTTLE; i++) {
                assertThat(own.send(wrong, null).statusCode()).isEqualTo(401);
            }
            var throttled = own.get("/api/v1/venues", admin);
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(TestCentre.json(throttled).path("type").asText()).endsWith("/sign-in-throttled");
            assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void a_page_of_another_site_cannot_make_a_browser_write_but_the_centres_own_pages_can() {
        var foreign = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/checkins"))
                        .header("Content-Type", "application/json")
                        .header("Origin", "https://evil.example")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"checkins\":[]}")),
                doorB);
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(TestCentre.json(foreign).path("type").asText()).endsWith("/cross-origin");

        String own =
                "http://" + centre.uri("/").getHost() + ":" + centre.uri("/").getPort();
        var same = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/checkins"))
                        .header("Content-Type", "application/json")
                        .header("Origin", own)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"checkins\":[]}")),
                doorB);
        assertThat(same.statusCode()).isEqualTo(202);
    }

    @Test
    void pages_forbid_foreign_scripts_and_framing_and_nothing_is_sniffed() {
        var page = centre.get("/scanner/", null);
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(
                        csp -> assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("Permissions-Policy"))
                .hasValueSatisfying(p -> assertThat(p).contains("camera=(self)"));
        assertThat(centre.get("/wallet/", null).headers().firstValue("Permissions-Policy"))
                .hasValueSatisfying(p -> assertThat(p).contains("camera=()"));
        assertThat(centre.get("/api/v1/trust-anchor", null).headers().firstValue("X-Content-Type-Options"))
                .hasValue("nosniff");
    }

    @Test
    void the_pages_test_hooks_are_off_unless_the_centre_runs_a_demo_or_a_replay() {
        assertThat(centre.get("/shared/test-hooks.js", null).body()).contains("testHooks = false");
        try (TestCentre demo =
                new TestCentre(Instant.parse("2021-12-13T03:00:00Z"), Map.of("pages.test-hooks", "true"))) {
            assertThat(demo.get("/shared/test-hooks.js", null).body()).contains("testHooks = true");
        }
    }

    @Test
    void a_scanner_page_trades_its_secret_for_a_cookie_no_script_can_read() {
        var session = centre.post("/api/v1/scanner-sessions", doorB, "{}");
        assertThat(session.statusCode()).isEqualTo(201);
        String setCookie = session.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("checkpass_scanner=")
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/api/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        var upload = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/checkins"))
                        .header("Content-Type", "application/json")
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"checkins\":[]}")),
                null);
        assertThat(upload.statusCode())
                .as("the cookie alone signs the scanner in")
                .isEqualTo(202);

        String forged = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA");
        var refused =
                centre.send(HttpRequest.newBuilder(centre.uri("/api/v1/me")).header("Cookie", forged), null);
        assertThat(refused.statusCode()).isEqualTo(401);
        var admin =
                centre.send(HttpRequest.newBuilder(centre.uri("/api/v1/venues")).header("Cookie", cookie), null);
        assertThat(admin.statusCode())
                .as("a scanner's cookie opens a scanner's routes only")
                .isEqualTo(403);
    }

    @Test
    void no_browser_is_ever_challenged_for_basic_credentials_it_would_then_keep_sending() {
        var api = centre.send(HttpRequest.newBuilder(centre.uri("/api/v1/venues")), null);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("WWW-Authenticate"))
                .as("an API client is told how")
                .isPresent();

        var navigation = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/venues"))
                        .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                null);
        assertThat(navigation.statusCode()).isEqualTo(401);
        assertThat(navigation.headers().firstValue("WWW-Authenticate"))
                .as("a browser sent to an API URL gets no password dialog")
                .isEmpty();
    }

    @Test
    void a_body_without_a_content_type_is_not_taken_for_json() {
        var response = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/checkins"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"checkins\":[]}")),
                doorB);
        assertThat(response.statusCode()).isEqualTo(415);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void made_up_http_methods_do_not_grow_the_metrics() throws IOException {
        for (int i = 0; i < 200; i++) {
            rawRequest("MADEUP" + i + " /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        }
        String metrics = centre.get("/metrics", monitoring).body();
        assertThat(metrics).doesNotContain("MADEUP");
        assertThat(metrics).contains("method=\"other\"");
    }

    /** Sends bytes as they are, past any client library that would refuse them; returns the status line. */
    static String rawRequest(String request) throws IOException {
        try (Socket socket =
                new Socket(centre.uri("/").getHost(), centre.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.ISO_8859_1);
        }
    }
}
