package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.support.TestCentre;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new centre, started without {@code --demo}, brought into use from the command line as a health authority would:
 * {@code admin init} makes the first operator, {@code clients create} a wallet provider and a venue's scanner, and
 * these then issue a pass and upload a check-in over HTTP. A second init is refused; rotation and disablement lock
 * the old credentials out; every change is in the audit log as {@code cli:<OS user>}.
 */
class BootstrapCliTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static final Pattern SECRET = Pattern.compile("(?m)^secret: (\\S+)$");
    /** How long a running centre may serve a client changed elsewhere (Authenticator refresh, 5 s), with slack. */
    static final Duration CACHE_LIFETIME = Duration.ofSeconds(20);

    @Test
    void admin_init_then_cli_clients_issue_and_check_in_over_http_and_rotation_and_disabling_lock_them_out()
            throws Exception {
        try (TestCentre centre = new TestCentre(LUNCH)) {
            assertThat(centre.server.centre().apiClients().list())
                    .as("no --demo: no clients at all")
                    .isEmpty();

            CliRun init = CliRun.onCentre(LUNCH, centre, "admin", "init").ok();
            String admin = centre.adopt("admin", secret(init));
            assertThat(init.out())
                    .contains("/console/")
                    .contains("Authorization: " + centre.basic(admin))
                    .contains("한 번만");
            assertThat(centre.get("/api/v1/me", admin).statusCode()).isEqualTo(200);

            CliRun again = CliRun.onCentre(LUNCH, centre, "admin", "init", "--id", "admin-2");
            assertThat(again.exitCode()).isNotZero();
            assertThat(again.err())
                    .contains("이미 초기화된 센터입니다")
                    .contains("initialised already")
                    .contains("admin");
            assertThat(centre.server.centre().apiClients().find("admin-2")).isEmpty();

            // The venue through the API, as the admin; the clients through the CLI.
            HttpResponse<String> venue = centre.post(
                    "/api/v1/venues",
                    admin,
                    "{\"venueId\":\"cafe-1\",\"businessNumber\":\"123-45-67890\",\"name\":\"종로 카페\","
                            + "\"address\":\"서울 종로구 1\",\"region\":\"서울 종로구\",\"venueType\":\"restaurant_cafe\"}");
            assertThat(venue.statusCode()).as(venue.body()).isEqualTo(201);
            String wallet = centre.adopt(
                    "wallet-naver",
                    secret(CliRun.onCentre(
                                    LUNCH,
                                    centre,
                                    "clients",
                                    "create",
                                    "wallet-naver",
                                    "--name",
                                    "Naver wallet",
                                    "--role",
                                    "wallet-provider")
                            .ok()));
            CliRun scannerCreated = CliRun.onCentre(
                            LUNCH, centre, "clients", "create", "door-1", "--name", "입구 태블릿", "--role", "scanner",
                            "--venue", "cafe-1")
                    .ok();
            String door = centre.adopt("door-1", secret(scannerCreated));
            assertThat(scannerCreated.out()).contains("/scanner/");

            CliRun noVenue = CliRun.onCentre(LUNCH, centre, "clients", "create", "door-2", "--role", "scanner");
            assertThat(noVenue.exitCode()).isNotZero();
            assertThat(noVenue.err()).contains("venue");
            CliRun badRole = CliRun.onCentre(LUNCH, centre, "clients", "create", "x", "--role", "janitor");
            assertThat(badRole.exitCode()).isNotZero();
            assertThat(badRole.err()).contains("unknown role 'janitor'");

            centre.server
                    .centre()
                    .registry()
                    .upsert(List.<RegistryRecord>of(
                            new PersonRecord("P-1", "홍길동", LocalDate.of(1985, 3, 1), Optional.empty()),
                            new ImmunizationRecord("P-1", LocalDate.of(2021, 9, 1), VaccineProduct.PFIZER, 1),
                            new ImmunizationRecord("P-1", LocalDate.of(2021, 10, 1), VaccineProduct.PFIZER, 2)));
            HttpResponse<String> pass = centre.post("/api/v1/passes", wallet, "{\"personId\":\"P-1\",\"static\":true}");
            assertThat(pass.statusCode()).as(pass.body()).isIn(200, 201);
            String serial = TestCentre.json(pass).path("serial").asText();

            HttpResponse<String> upload = centre.post("/api/v1/checkins", door, checkIn(serial));
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
            assertThat(TestCentre.json(upload).path("accepted").asInt()).isEqualTo(1);

            CliRun list = CliRun.onCentre(LUNCH, centre, "clients", "list").ok();
            assertThat(list.out())
                    .contains("admin", "wallet-naver", "door-1", "cafe-1", "wallet-provider", "scanner")
                    .doesNotContain(centre.secretOf(admin), centre.secretOf(wallet), centre.secretOf(door));
            assertThat(CliRun.onCentre(LUNCH, centre, "clients", "list", "--json")
                            .ok()
                            .json()
                            .path("clients"))
                    .hasSize(3);

            // Rotation: the old secret stops working, the new one works.
            String oldBasic = centre.basic(wallet);
            centre.adopt(
                    wallet,
                    secret(CliRun.onCentre(LUNCH, centre, "clients", "rotate", wallet)
                            .ok()));
            awaitStatus(() -> statusWith(centre, oldBasic), 401);
            assertThat(centre.get("/api/v1/me", wallet).statusCode()).isEqualTo(200);

            // Disabling: the scanner is refused; enabling lets it back in with its secret.
            CliRun.onCentre(LUNCH, centre, "clients", "disable", door).ok();
            awaitStatus(
                    () -> centre.post("/api/v1/checkins", door, "{\"checkins\":[]}")
                            .statusCode(),
                    401);
            CliRun.onCentre(LUNCH, centre, "clients", "enable", door).ok();
            awaitStatus(
                    () -> centre.post("/api/v1/checkins", door, "{\"checkins\":[]}")
                            .statusCode(),
                    202);

            CliRun unknown = CliRun.onCentre(LUNCH, centre, "clients", "rotate", "nobody");
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.err()).contains("그런 클라이언트가 없습니다").contains("no API client 'nobody'");

            String actor = "cli:" + System.getProperty("user.name");
            AuditLog audit = centre.server.centre().audit();
            List<String> entries = audit.read(LUNCH.minusSeconds(60), LUNCH.plusSeconds(60), 100).stream()
                    .filter(e -> e.action().startsWith("client-"))
                    .map(e -> e.actor() + " " + e.action() + " " + e.subject())
                    .toList();
            assertThat(entries)
                    .containsExactlyInAnyOrder(
                            actor + " client-init client:admin",
                            actor + " client-create client:wallet-naver",
                            actor + " client-create client:door-1",
                            actor + " client-rotate client:wallet-naver",
                            actor + " client-disable client:door-1",
                            actor + " client-enable client:door-1");
            assertThat(CliRun.onCentre(LUNCH, centre, "audit", "verify").ok().out())
                    .contains("intact");
        }
    }

    @Test
    void two_admin_inits_at_once_make_one_admin() throws Exception {
        try (TestCentre centre = new TestCentre(LUNCH)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Callable<CliRun>> inits = List.of(
                        () -> CliRun.onCentre(LUNCH, centre, "admin", "init", "--id", "admin-a"),
                        () -> CliRun.onCentre(LUNCH, centre, "admin", "init", "--id", "admin-b"));
                List<Integer> codes = pool.invokeAll(inits).stream()
                        .map(BootstrapCliTest::exitCode)
                        .toList();
                assertThat(codes).containsExactlyInAnyOrder(0, 1);
            } finally {
                pool.shutdown();
            }
            assertThat(centre.server.centre().apiClients().list()).hasSize(1);
        }
    }

    /**
     * The path a health authority takes on one machine: {@code serve} on the embedded database (no {@code --demo}),
     * which says it has no admin yet; {@code admin init --data} reaches that running server's PostgreSQL through the
     * data directory; the admin's secret works against the server.
     */
    @Test
    void serve_without_demo_says_to_run_admin_init_which_reaches_its_embedded_database(@TempDir Path data)
            throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread serving = Thread.ofPlatform()
                .start(() -> CheckpassCli.run(
                        new String[] {
                            "serve", "--data", data.toString(), "--port", "0", "--host", "127.0.0.1", "--sip-port", "0"
                        },
                        Clock.systemUTC(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        try {
            Matcher base = Pattern.compile("checkpass serving at (http://\\S+)").matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!out.toString(StandardCharsets.UTF_8).contains("admin init")) {
                assertThat(System.nanoTime()).as("serve printed: " + out + err).isLessThan(deadline);
                Thread.sleep(200);
            }
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("아직 관리자가 없습니다").contains("no issuer-admin yet");
            assertThat(base.reset(printed).find()).isTrue();

            CliRun init = CliRun.of(Instant.now(), "admin", "init", "--data", data.toString())
                    .ok();
            HttpResponse<String> me = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base.group(1)).resolve("/api/v1/me"))
                                    .header("Authorization", ClientsCommand.basic("admin", secret(init)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            assertThat(me.body()).contains("issuer-admin");
            assertThat(CliRun.of(Instant.now(), "admin", "init", "--data", data.toString())
                            .exitCode())
                    .isEqualTo(1);
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
    }

    private static int exitCode(Future<CliRun> run) {
        try {
            return run.get().exitCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String secret(CliRun run) {
        Matcher m = SECRET.matcher(run.out());
        assertThat(m.find()).as("a secret line in: " + run.out() + run.err()).isTrue();
        return m.group(1);
    }

    private static int statusWith(TestCentre centre, String authorization) {
        return centre.send(
                        HttpRequest.newBuilder(centre.uri("/api/v1/me"))
                                .header("Authorization", authorization)
                                .GET(),
                        null)
                .statusCode();
    }

    /**
     * Polls until the status is {@code expected}: a change made by another process reaches the cache in time. Once a
     * second, so the 401s of a client still disabled in the cache stay under the failed sign-ins that throttle an
     * address (20).
     */
    private static void awaitStatus(Supplier<Integer> status, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + CACHE_LIFETIME.toNanos();
        int last;
        do {
            last = status.get();
            if (last == expected) {
                return;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("still " + last + " after " + CACHE_LIFETIME + ", expected " + expected);
    }

    private static String checkIn(String serial) {
        UUID id = new UUID((LUNCH.toEpochMilli() << 16) | (0x7L << 12) | 1, 0x8000_0000_0000_0001L);
        return "{\"checkins\":[{\"id\":\"%s\",\"channel\":\"QR\",\"serial\":\"%s\",\"format\":\"CP1\",\"verdict\":\"ADMIT\",\"reason\":\"VALID\",\"scannedAt\":\"%s\"}]}"
                .formatted(id, serial, LUNCH.minusSeconds(30));
    }
}
