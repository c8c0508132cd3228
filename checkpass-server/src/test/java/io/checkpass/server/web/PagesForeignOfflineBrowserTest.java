package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.checkpass.conformance.vectors.ForeignVectors;
import io.checkpass.core.foreign.ForeignFormats;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.VerifierPolicy;
import io.checkpass.server.auth.Role;
import io.checkpass.server.json.VerificationJson;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Foreign passes at the door with no network (issue 11): the centre publishes the trust material of test issuers
 * (an EU DCC signer certificate, an SHC issuer, an NZCP DID document) in its signed bundle; the scanner page signs in,
 * caches the bundle and its files, and then, with the centre down, reads an EU DCC, a SMART Health Card and an NZ
 * COVID Pass from its camera and judges each itself: CHECK_ID at a restaurant, where a pass is required. Back online,
 * the three check-ins reach the centre with their formats. Also the page's DCC verification time
 * (docs/PERFORMANCE.md), printed, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PagesForeignOfflineBrowserTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2022, 1, 20, 11, 55, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static final String SCANNER = "scanner-foreign";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int RUNS = 200;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ForeignVectors.Samples passes;
    static String secret;
    static long clockOffset;
    static Path camera;
    static ChromeDriver scanner;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Chromium.installed())
                .as("the browser tests need Debian's chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of("pages.test-hooks", "true"));
        passes = ForeignVectors.samples(TestCentre.ES256, centre.clock.instant());
        String admin = centre.client("admin-foreign", Role.ISSUER_ADMIN);
        var merged = centre.post("/api/v1/foreign-trust", admin, passes.trust().toString());
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        Venues venues = centre.server.centre().venues();
        venues.add(new Venues.Venue(
                "foreign-venue", "1", "Foreign guests' restaurant", "a", "r", "restaurant_cafe", Optional.empty()));
        secret = venues.addScanner("foreign-venue", SCANNER, "door");
        clockOffset = Math.round((centre.clock.millis() - Clock.systemUTC().millis()) / 1000.0);
        camera = temp.resolve("door.y4m");
        Y4m.write(blank(), camera); // no QR code until the network is cut
        scanner = Chromium.start(temp.resolve("profile"), camera);
    }

    @AfterAll
    static void stop() {
        if (scanner != null) {
            scanner.quit();
        }
        if (centre != null) {
            centre.close();
        }
    }

    @Test
    @Order(1)
    void the_page_verifies_a_dcc_and_says_how_long_it_takes() {
        scanner.get(centre.uri("/scanner/").toString());
        for (var signed : List.of(Map.entry("ES256", passes.dcc()), Map.entry("PS256, RSA-2048", passes.dccPs256()))) {
            JsonNode result = json((String)
                    scanner.executeAsyncScript("""
                    const [text, venueType, atMs, runs, done] = arguments;
                    (async () => {
                      const m = await import('/shared/checkpass.js');
                      const anchor = await m.pointOfPem(await (await fetch('/api/v1/trust-anchor')).text());
                      const bundle = await m.openBundle(new Uint8Array(await (await fetch('/api/v1/trust-bundle')).arrayBuffer()), anchor);
                      const verifier = new m.Verifier(bundle);
                      const verdicts = new Set();
                      const cold = performance.now();
                      verdicts.add((await verifier.verify(text, venueType, atMs)).verdict);
                      const first = performance.now() - cold;
                      for (let i = 0; i < 50; i++) verdicts.add((await verifier.verify(text, venueType, atMs)).verdict);
                      const times = [];
                      const all = performance.now();
                      for (let i = 0; i < runs; i++) {
                        const start = performance.now();
                        const r = await verifier.verify(text, venueType, atMs);
                        times.push(performance.now() - start);
                        verdicts.add(r.verdict + '/' + r.reason + '/' + r.format);
                      }
                      const mean = (performance.now() - all) / runs;
                      times.sort((a, b) => a - b);
                      done(JSON.stringify({ verdicts: [...verdicts], first, mean, median: times[Math.floor(runs / 2)],
                        p90: times[Math.floor(runs * 0.9)], max: times[runs - 1] }));
                    })().catch((e) => done(JSON.stringify({ verdicts: ['failed: ' + e], median: -1 })));
                    """, signed.getValue(), "restaurant_cafe", centre.clock.millis(), RUNS));
            List<String> verdicts = new ArrayList<>();
            result.path("verdicts").forEach(v -> verdicts.add(v.asText()));
            assertThat(verdicts)
                    .as(signed.getKey())
                    .containsExactlyInAnyOrder("CHECK_ID", "CHECK_ID/ID_CHECK_REQUIRED/DCC");
            // A figure for docs/PERFORMANCE.md, printed for whoever runs this; timing is never asserted.
            // performance.now() ticks in 0.1 ms steps in a page that is not cross-origin isolated: the mean over all
            // runs is the finer figure.
            System.out.printf(
                    "page verifies a DCC (%s, Chromium %s): median %.1f ms, p90 %.1f ms, max %.1f ms, mean %.3f ms"
                            + " over %d runs after 50 warm-up runs; the first, with the key import, %.1f ms%n",
                    signed.getKey(),
                    scanner.getCapabilities().getBrowserVersion(),
                    result.path("median").asDouble(),
                    result.path("p90").asDouble(),
                    result.path("max").asDouble(),
                    result.path("mean").asDouble(),
                    RUNS,
                    result.path("first").asDouble());
            assertThat(result.path("median").asDouble()).isPositive();
        }
    }

    @Test
    @Order(2)
    void the_page_reads_every_form_of_dcc_payload_as_java_does() throws Exception {
        // Every date field, the dose numbers, the product, the test result, the id and the name in the forms real
        // issuers used and some they should not have: the page must give Java's verdict, reason, pass id, display,
        // status and status period for each, at a venue that refuses the unvaccinated and at one that admits them.
        List<Object> dates = List.of(
                "2021-10-01",
                "2021-10",
                "2021",
                "2021-00",
                "2021-10-00",
                "2021-00-05",
                "2021-02-30",
                "2021-09-31",
                "2021-13-01",
                "2021-10-32",
                "2021-10-01T10:00:00Z",
                "2021-10-01T10:00:00+02:00",
                "2021-10-01T10:00:00+0200",
                "2021-10-01T10:00:00+02",
                "2021-10-01T10:00:00-09:30",
                "2021-10-01T10:00",
                "2021-10-01T10:00:00",
                "2021-10-01t10:00:00z",
                "2021-10-01T24:00:00Z",
                "2021-10-01T24:00:00+0100",
                "2021-02-30T10:00:00Z",
                "2021-02-30T10:00:00+02:00",
                "2021-02-30T10:00:00+0200",
                "2021-10-01 10:00",
                "2021-10-01T25:00:00Z",
                "2021-10-01T10:00:00+19:00",
                " 2021-10-01 ",
                "20211001",
                "1st October",
                "",
                "2022-01-19T20:00:00Z",
                "2022-01-19",
                "2022-01",
                "2022",
                1633046400,
                1642640000,
                -5,
                true);
        List<Object> doses = List.of(0, 1, 2, 3, "2", "02", " 2", "x", 2.0, 2.5, -1, 100, true);
        List<ObjectNode> payloads = new ArrayList<>();
        for (Object date : dates) {
            payloads.add(set(vaccination(), "v", "dt", date));
            payloads.add(set(test("260415000"), "t", "sc", date));
            payloads.add(set(recovery(), "r", "df", date));
            payloads.add(set(recovery(), "r", "du", date));
            ObjectNode dob = vaccination();
            dob.set("dob", JSON.valueToTree(date));
            payloads.add(dob);
        }
        for (Object dn : doses) {
            payloads.add(set(vaccination(), "v", "dn", dn));
            payloads.add(set(vaccination(), "v", "sd", dn));
        }
        for (Object value : List.of("", 5, "EU/1/20/1528")) {
            payloads.add(set(vaccination(), "v", "mp", value));
        }
        for (Object tr : List.of("260415000", "260373001", "", "x", 260415000)) {
            payloads.add(set(test(tr), "t", "tr", tr));
        }
        for (Object ci : List.of("", 12345, "x".repeat(257), true)) {
            payloads.add(set(vaccination(), "v", "ci", ci));
        }
        ObjectNode noCi = vaccination();
        ((ObjectNode) noCi.path("v").get(0)).remove("ci");
        payloads.add(noCi);
        ObjectNode twoKinds = recovery();
        twoKinds.set("t", test("260373001").get("t"));
        payloads.add(twoKinds);
        ObjectNode threeDoses = vaccination();
        threeDoses.withArray("v").add(set(vaccination(), "v", "dn", 1).path("v").get(0));
        threeDoses
                .withArray("v")
                .add(set(vaccination(), "v", "dt", "2021-10").path("v").get(0));
        payloads.add(threeDoses);
        payloads.add((ObjectNode) JSON.readTree("{\"nam\": {\"fnt\": \"A<B\"}, \"dob\": \"1970\", \"v\": []}"));
        payloads.add((ObjectNode) JSON.readTree("{\"nam\": \"Erika\", \"dob\": 1970, \"v\": {\"dn\": 2}}"));

        scanner.get(centre.uri("/scanner/").toString());
        // Whole milliseconds: the page's clock has no finer grain, and an unvaccinated status holds from the instant
        // asked.
        Instant at = centre.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        PassVerifier java = new PassVerifier(
                centre.bundle().bundle(),
                TestCentre.ES256,
                Clock.fixed(at, ZoneOffset.UTC),
                VerifierPolicy.DEFAULT,
                ForeignFormats.all(TestCentre.ES256));
        List<String> texts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (ObjectNode payload : payloads) {
            String text = passes.signDcc().apply(payload);
            for (String venue : List.of("karaoke", "restaurant_cafe")) {
                JsonNode j = VerificationJson.toJson(java.verify(
                        text,
                        centre.bundle().bundle().venueRules().venueType(venue).orElseThrow()));
                texts.add(text);
                texts.add(venue);
                expected.add(payload + " at " + venue + ": "
                        + DIFFERENTIAL_FIELDS.stream()
                                .map(f -> j.path(f).asText("-"))
                                .reduce((a, b) -> a + "/" + b)
                                .orElseThrow());
            }
        }
        Object answer = scanner.executeAsyncScript("""
                const [texts, fields, atMs, done] = arguments;
                (async () => {
                  const m = await import('/shared/checkpass.js');
                  const anchor = await m.pointOfPem(await (await fetch('/api/v1/trust-anchor')).text());
                  const bundle = await m.openBundle(new Uint8Array(await (await fetch('/api/v1/trust-bundle')).arrayBuffer()), anchor);
                  const verifier = new m.Verifier(bundle);
                  const out = [];
                  for (let i = 0; i < texts.length; i += 2) {
                    const r = await verifier.verify(texts[i], texts[i + 1], atMs);
                    out.push(fields.map((f) => (r[f] === undefined || r[f] === null ? '-' : String(r[f]))).join('/'));
                  }
                  done(JSON.stringify(out));
                })().catch((e) => done(JSON.stringify(['failed: ' + e])));
                """, texts, DIFFERENTIAL_FIELDS, at.toEpochMilli());
        JsonNode got = json((String) answer);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            String want = expected.get(i);
            String page = got.path(i).asText("missing");
            if (!want.endsWith(": " + page)) {
                mismatches.add(want + " <> page " + page);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(expected).hasSizeGreaterThan(400);
    }

    static final List<String> DIFFERENTIAL_FIELDS = List.of(
            "verdict", "reason", "serial", "maskedName", "birthYear", "status", "statusValidFrom", "statusValidUntil");

    private static ObjectNode person() {
        ObjectNode dgc = JSON.createObjectNode().put("ver", "1.3.0").put("dob", "1964-08-12");
        dgc.putObject("nam").put("fn", "Mustermann").put("gn", "Erika");
        return dgc;
    }

    private static ObjectNode vaccination() {
        ObjectNode dgc = person();
        dgc.putArray("v")
                .addObject()
                .put("tg", "840539006")
                .put("vp", "1119349007")
                .put("mp", "EU/1/20/1528")
                .put("ma", "ORG-100030215")
                .put("dn", 2)
                .put("sd", 2)
                .put("dt", "2021-10-01")
                .put("co", "DE")
                .put("is", "RKI")
                .put("ci", "URN:UVCI:01DE/DIFF/V");
        return dgc;
    }

    private static ObjectNode test(Object tr) {
        ObjectNode dgc = person();
        ObjectNode t = dgc.putArray("t")
                .addObject()
                .put("tg", "840539006")
                .put("tt", "LP6464-4")
                .put("sc", "2022-01-19T20:00:00Z")
                .put("co", "DE")
                .put("is", "RKI")
                .put("ci", "URN:UVCI:01DE/DIFF/T");
        t.set("tr", JSON.valueToTree(tr));
        return dgc;
    }

    private static ObjectNode recovery() {
        ObjectNode dgc = person();
        dgc.putArray("r")
                .addObject()
                .put("tg", "840539006")
                .put("fr", "2021-12-01")
                .put("df", "2021-12-10")
                .put("du", "2022-06-01")
                .put("co", "DE")
                .put("is", "RKI")
                .put("ci", "URN:UVCI:01DE/DIFF/R");
        return dgc;
    }

    private static ObjectNode set(ObjectNode dgc, String kind, String field, Object value) {
        ((ObjectNode) dgc.path(kind).get(0)).set(field, JSON.valueToTree(value));
        return dgc;
    }

    @Test
    @Order(3)
    void with_the_centre_down_the_scanner_admits_a_dcc_an_shc_and_an_nzcp_for_an_id_check() throws Exception {
        scanner.get(page());
        waitFor(() -> scanner.findElement(By.id("scannerId")).isDisplayed() ? true : null);
        scanner.findElement(By.id("scannerId")).sendKeys(SCANNER);
        scanner.findElement(By.id("secret")).sendKeys(secret);
        scanner.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        // Signed in (the door is shown, the bundle cached) and the service worker holds the page's files.
        waitFor(() -> {
            WebElement body = scanner.findElement(By.tagName("body"));
            return "true".equals(body.getDomAttribute("data-ready"))
                            && "true".equals(body.getDomAttribute("data-offline-ready"))
                    ? "ready"
                    : null;
        });

        centre.stop();
        assertThat(scanner.executeAsyncScript("""
                        const done = arguments[0];
                        fetch('/api/v1/trust-anchor', { cache: 'no-store' }).then((r) => done('reached: ' + r.status), () => done('unreachable'));
                        """))
                .as("the network is cut: the centre does not answer")
                .isEqualTo("unreachable");

        for (var shown : List.of(
                Map.entry(passes.dcc(), "E*n (1964)"),
                Map.entry(passes.shc(), "J*n (1951)"),
                Map.entry(passes.nzcp(), "J*w (1960)"))) {
            Y4m.write(png(shown.getKey()), camera);
            scanner.get(page()); // the page and its bundle come from the service worker and IndexedDB
            WebElement verdict = awaitVerdict();
            assertThat(verdict.getDomAttribute("data-verdict"))
                    .as(shown.getKey().substring(0, 8))
                    .isEqualTo("CHECK_ID");
            assertThat(verdict.getDomAttribute("data-reason")).isEqualTo("ID_CHECK_REQUIRED");
            assertThat(verdict.getDomAttribute("data-color")).isEqualTo("amber");
            assertThat(scanner.findElement(By.id("verdictWho")).getText()).startsWith(shown.getValue());
        }
        awaitQueueLength(3);

        centre.restart();
        waitFor(
                Duration.ofSeconds(60),
                () -> "0".equals(scanner.findElement(By.id("queueLength")).getDomAttribute("data-length"))
                        ? "drained"
                        : null);
        assertThat(query("select pass_format || ' ' || verdict || ' ' || reason from checkin order by pass_format"))
                .containsExactly(
                        "DCC CHECK_ID ID_CHECK_REQUIRED",
                        "NZCP CHECK_ID ID_CHECK_REQUIRED",
                        "SHC CHECK_ID ID_CHECK_REQUIRED");
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String page() {
        return centre.uri("/scanner/") + "?clockOffset=" + clockOffset;
    }

    /** The text as a QR code, one pixel per module and a four-module quiet zone, as a PNG. */
    private static byte[] png(String text) throws Exception {
        var hints = Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L, EncodeHintType.MARGIN, 4);
        var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
        var out = new ByteArrayOutputStream();
        MatrixToImageWriter.writeToStream(matrix, "png", out);
        return out.toByteArray();
    }

    /** A white picture: the camera sees no code. */
    private static byte[] blank() throws Exception {
        var image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static WebElement awaitVerdict() {
        return waitFor(() -> {
            WebElement v = scanner.findElement(By.id("verdict"));
            return "1".equals(v.getDomAttribute("data-scan")) ? v : null;
        });
    }

    private static void awaitQueueLength(int length) {
        waitFor(() -> Integer.toString(length)
                        .equals(scanner.findElement(By.id("queueLength")).getDomAttribute("data-length"))
                ? "ok"
                : null);
    }

    private static <T> T waitFor(Supplier<T> condition) {
        return waitFor(WAIT, condition);
    }

    private static <T> T waitFor(Duration timeout, Supplier<T> condition) {
        try {
            return new WebDriverWait(scanner, timeout)
                    .ignoring(NoSuchElementException.class)
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> condition.get());
        } catch (TimeoutException e) {
            StringBuilder logs = new StringBuilder();
            scanner.manage()
                    .logs()
                    .get(LogType.BROWSER)
                    .forEach(entry -> logs.append("\n  ").append(entry.getMessage()));
            throw new AssertionError(
                    "timed out on " + scanner.getCurrentUrl() + "; the page shows:\n"
                            + scanner.findElement(By.tagName("body")).getText() + "\nbrowser log:" + logs,
                    e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static List<String> query(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }
}
