package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import io.checkpass.server.cli.CheckpassCli;
import io.checkpass.server.demo.DemoSeeder;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The three pages in real headless Chromium against a real centre: the wallet's QR, screenshotted and fed
 * to the scanner page's fake camera as a video, admits at the door and lands in PostgreSQL; a 90-second-old QR is
 * refused; the scanner keeps verifying and queueing with the centre down and drains its queue once when it returns;
 * the console's trace shows the visits; and the page's JavaScript verifier agrees with every conformance vector.
 *
 * <p>The centre runs on a real, ticking clock set to lunch on 20 January 2022: restaurants require the pass, and
 * under the rules of 3 January the holder's primary series (second dose 5 August 2021) counts until 1 February, so
 * the wallet has reminders to show. The pages follow the centre's clock through their documented hook,
 * {@code ?clockOffset=SECONDS}. The old-QR test uses the same hook (scanner 90 s ahead of the wallet) instead of
 * waiting 90 s.
 *
 * <p>The methods run in order, as one visit: the wallet holder's journey through the door, then the investigator's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PagesBrowserTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2022, 1, 20, 11, 55, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static final String HOLDER = "P-WALLET-1";
    static final String SCANNER = "scanner-venue-01";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path temp;

    static TestCentre centre;
    static Map<String, String> secrets;
    static long clockOffset;
    static Path camera;
    static ChromeDriver browser;
    static ChromeDriver scannerBrowser;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Chromium.installed())
                .as("the browser tests need Debian's chromium and chromium-driver: apt-get install chromium "
                        + "chromium-driver (.ci/run does)")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of("demo.wallet", "true", "pages.test-hooks", "true"));
        var server = centre.server;
        secrets = new DemoSeeder(
                        server.centre().registry(),
                        server.centre().clientAdministration(),
                        server.centre().venues())
                .seed(20, centre.dataDir)
                .secrets();
        server.centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord(HOLDER, "홍길동", LocalDate.of(1985, 3, 1), Optional.of("010-5555-1234")),
                        new ImmunizationRecord(HOLDER, LocalDate.of(2021, 7, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord(HOLDER, LocalDate.of(2021, 8, 5), VaccineProduct.PFIZER, 2)));
        clockOffset = Math.round((centre.clock.millis() - Clock.systemUTC().millis()) / 1000.0);
        camera = temp.resolve("door.y4m");
        browser = Chromium.start(temp.resolve("profile-wallet-console"), null);
    }

    @AfterAll
    static void stop() {
        if (scannerBrowser != null) {
            scannerBrowser.quit();
        }
        if (browser != null) {
            browser.quit();
        }
        if (centre != null) {
            centre.close();
        }
    }

    @Test
    @Order(1)
    void the_javascript_verifier_agrees_with_every_checkpass_vectors_case_in_chromium() throws Exception {
        Path dir = temp.resolve("vectors");
        var err = new ByteArrayOutputStream();
        int exit = CheckpassCli.run(
                new String[] {"vectors", "--out", dir.toString()},
                Clock.systemUTC(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String casesJson = Files.readString(dir.resolve("cases.json"));
        Map<String, String> bundles = new LinkedHashMap<>();
        for (JsonNode b : new ObjectMapper().readTree(casesJson).path("bundles")) {
            bundles.put(
                    b.path("file").asText(),
                    Base64.getEncoder()
                            .encodeToString(Files.readAllBytes(
                                    dir.resolve(b.path("file").asText()))));
        }
        browser.get(centre.uri("/console/").toString());
        Object answer = browser.executeAsyncScript("""
                const [casesJson, bundles64, done] = arguments;
                import('/shared/checkpass.js').then(async (m) => {
                  const bundles = {};
                  for (const [name, b64] of Object.entries(bundles64)) bundles[name] = m.fromBase64(b64);
                  const cases = JSON.parse(casesJson);
                  const foreign = cases.cases.filter((c) => ['HC1:', 'shc:/', 'NZCP:/1/'].some((p) => c.steps[0].text.startsWith(p))).length;
                  done(JSON.stringify({ mismatches: await m.runConformance(cases, bundles), cases: cases.cases.length, foreign }));
                }).catch((e) => done(JSON.stringify({ mismatches: ['runner failed: ' + e], cases: 0 })));
                """, casesJson, bundles);
        JsonNode result = new ObjectMapper().readTree((String) answer);
        List<String> mismatches = new ArrayList<>();
        result.path("mismatches").forEach(m -> mismatches.add(m.asText()));
        assertThat(mismatches).isEmpty();
        assertThat(result.path("cases").asInt()).isGreaterThan(80);
        assertThat(result.path("foreign").asInt())
                .as("EU DCC, SHC and NZCP cases, verified offline by the page (shared/foreign.js)")
                .isGreaterThan(30);
    }

    @Test
    @Order(2)
    void a_wallet_qr_shown_to_the_scanner_camera_admits_green_and_lands_in_postgresql() throws Exception {
        browser.get(page("/wallet/", clockOffset));
        browser.findElement(By.id("personId")).sendKeys(HOLDER);
        browser.findElement(By.id("birthDate")).sendKeys("19850301");
        browser.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        String shownAt = waitFor(browser, () -> browser.findElement(By.id("qr")).getDomAttribute("data-time"));
        assertThat(browser.findElement(By.id("status")).getDomAttribute("data-status"))
                .isEqualTo("vaccinated");
        assertThat(browser.findElement(By.id("statusMark")).getText()).isEqualTo("✓");
        assertThat(browser.findElement(By.id("today")).isDisplayed())
                .as("no 'where you may go' for a holder every door admits")
                .isFalse();
        assertThat(browser.findElement(By.id("countdown")).getText()).matches("\\d{1,2}");
        assertThat(browser.findElement(By.id("reminder")).getDomAttribute("data-level"))
                .as("12 days left: the 14-day reminder")
                .isEqualTo("14");
        screenshot(browser, "wallet");
        showToCamera(shownAt);

        scannerBrowser = Chromium.start(temp.resolve("profile-scanner"), camera);
        scannerBrowser.get(page("/scanner/", clockOffset));
        waitFor(
                scannerBrowser,
                () -> scannerBrowser.findElement(By.id("scannerId")).isDisplayed() ? true : null);
        scannerBrowser.findElement(By.id("scannerId")).sendKeys(SCANNER);
        scannerBrowser.findElement(By.id("secret")).sendKeys(secrets.get(SCANNER));
        scannerBrowser
                .findElement(By.cssSelector("#signinForm button[type=submit]"))
                .click();

        WebElement verdict = awaitVerdict();
        assertThat(verdict.getDomAttribute("data-verdict")).isEqualTo("ADMIT");
        assertThat(verdict.getDomAttribute("data-reason")).isEqualTo("VALID");
        assertThat(verdict.getDomAttribute("data-color")).isEqualTo("green");
        assertThat(scannerBrowser.findElement(By.tagName("body")).getDomAttribute("data-qr-decoder"))
                .as("decoded off the main thread: Linux Chromium has no BarcodeDetector, so the worker")
                .isEqualTo("worker");
        assertThat(scannerBrowser.findElement(By.tagName("body")).getDomAttribute("data-wake-lock"))
                .as("the camera asked the screen to stay awake (headless Chromium may refuse)")
                .isIn("on", "denied");
        assertThat(scannerBrowser.executeScript("return typeof self.jsQR"))
                .as("jsQR never loads on the page's main thread")
                .isEqualTo("undefined");
        assertThat(scannerBrowser.findElement(By.id("verdictWho")).getText())
                .contains("홍*동")
                .contains("1985");
        screenshot(scannerBrowser, "scanner-admit");
        Object kept = scannerBrowser.executeScript("return JSON.stringify(localStorage) + ' ' + document.cookie");
        assertThat(String.valueOf(kept))
                .as("no script on the origin can read the scanner's secret or its session")
                .doesNotContain(secrets.get(SCANNER))
                .doesNotContain("checkpass_scanner");

        awaitQueueLength(0);
        assertThat(holderCheckIns()).containsExactly("QR ADMIT VALID venue-01");
        assertThat(query("select c.venue_type || ' ' || c.rule_set || ' ' || (c.bundle_version is not null)"
                        + " from checkin c join issuance i on i.serial = c.serial where i.person_id = '" + HOLDER
                        + "'"))
                .as("the door log says how the verdict was judged (docs/compliance.md)")
                .containsExactly("restaurant_cafe KR-2022-01-18 true");
    }

    @Test
    @Order(3)
    void a_wallet_qr_ninety_seconds_old_shows_red_stale() throws Exception {
        // The same screenshot, shown to a scanner whose clock is 90 s ahead of the wallet's: a screenshot passed on.
        scannerBrowser.get(page("/scanner/", clockOffset + 90));
        WebElement verdict = awaitVerdict();
        assertThat(verdict.getDomAttribute("data-verdict")).isEqualTo("DENY");
        assertThat(verdict.getDomAttribute("data-reason")).isEqualTo("STALE_PRESENTATION");
        assertThat(verdict.getDomAttribute("data-color")).isEqualTo("red");
        assertThat(scannerBrowser.findElement(By.id("verdictWho")).getText())
                .as("nothing of a refused pass is shown")
                .isEmpty();
        screenshot(scannerBrowser, "scanner-stale");
        awaitQueueLength(0);
        assertThat(query("select verdict || ' ' || venue_type from checkin where reason = 'STALE_PRESENTATION'"))
                .as("a refusal is uploaded too, marked as one")
                .containsExactly("DENY restaurant_cafe");
    }

    @Test
    @Order(4)
    void with_the_centre_down_the_scanner_verifies_and_queues_then_drains_once_when_it_returns() throws Exception {
        String previous = browser.findElement(By.id("qr")).getDomAttribute("data-time");
        Thread.sleep(1100);
        browser.findElement(By.id("resign")).click();
        String shownAt = waitFor(browser, () -> {
            String t = browser.findElement(By.id("qr")).getDomAttribute("data-time");
            return t != null && !t.equals(previous) ? t : null;
        });
        showToCamera(shownAt);
        waitFor(
                scannerBrowser,
                () -> "true"
                                .equals(scannerBrowser
                                        .findElement(By.tagName("body"))
                                        .getDomAttribute("data-offline-ready"))
                        ? "ok"
                        : null);

        Map<String, String> firstVisit = firstVisitRecord();
        centre.stop();
        // Reloaded with the centre down: the service worker serves the page, IndexedDB the bundle.
        scannerBrowser.get(page("/scanner/", clockOffset));
        WebElement verdict = awaitVerdict();
        assertThat(verdict.getDomAttribute("data-verdict")).isEqualTo("ADMIT");
        assertThat(verdict.getDomAttribute("data-reason")).isEqualTo("VALID");
        verdict.click(); // staff tap the verdict away
        scannerBrowser.findElement(By.id("manualOpen")).click();
        scannerBrowser.findElement(By.id("phone")).sendKeys("010-2222-3333");
        scannerBrowser.findElement(By.id("visitorName")).sendKeys("김영수");
        new Select(scannerBrowser.findElement(By.id("checkMethod"))).selectByValue("paper_certificate");
        scannerBrowser
                .findElement(By.cssSelector("#manual button[type=submit]"))
                .click();
        awaitQueueLength(2);
        // A lost answer: the first visit's record back in the queue, as if its 202 had never arrived; and a record
        // the centre will never take (a NUL in its pass reference), which must not hold up the ones behind it.
        Map<String, String> poisoned = new HashMap<>(firstVisit);
        long ms = centre.clock.millis();
        poisoned.put("id", new UUID((ms << 16) | 0x7123L, 0x8000_0000_0000_0042L).toString());
        poisoned.remove("serial");
        poisoned.put("format", "HC1");
        poisoned.put("passRef", "ab\u0000cd");
        for (Map<String, String> record : List.of(firstVisit, poisoned)) {
            Object put = scannerBrowser.executeAsyncScript("""
                    const [record, done] = arguments;
                    const open = indexedDB.open('checkpass-scanner');
                    open.onsuccess = () => {
                      const tx = open.result.transaction('queue', 'readwrite');
                      tx.objectStore('queue').put(record, record.id);
                      tx.oncomplete = () => done('queued');
                      tx.onerror = () => done('failed: ' + tx.error);
                    };
                    """, record);
            assertThat(put).isEqualTo("queued");
        }
        awaitQueueLength(4);
        Thread.sleep(3000);
        assertThat(scannerBrowser.findElement(By.id("queueLength")).getText())
                .as("nothing drains while the centre is down")
                .isEqualTo("4");
        screenshot(scannerBrowser, "scanner-offline-queue");

        centre.restart();
        waitFor(
                scannerBrowser,
                Duration.ofSeconds(60),
                () -> "0"
                                .equals(scannerBrowser
                                        .findElement(By.id("queueLength"))
                                        .getDomAttribute("data-length"))
                        ? "drained"
                        : null);
        assertThat(holderCheckIns()).containsExactly("QR ADMIT VALID venue-01", "QR ADMIT VALID venue-01");
        assertThat(
                        query(
                                "select channel || ' ' || check_method || ' ' || venue_id from checkin where channel = 'MANUAL'"))
                .containsExactly("MANUAL paper_certificate venue-01");
        assertThat(query("select venue_type || ' ' || rule_set from checkin where channel = 'MANUAL'"))
                .containsExactly("restaurant_cafe KR-2022-01-18");
        assertThat(query("select count(*) - count(distinct checkin_id) from checkin"))
                .containsExactly("0");
        assertThat(scannerBrowser.findElement(By.id("lastSync")).getDomAttribute("data-duplicates"))
                .as("the centre said it had one already")
                .isEqualTo("1");
        assertThat(waitFor(
                        scannerBrowser,
                        () -> "1"
                                        .equals(scannerBrowser
                                                .findElement(By.id("refused"))
                                                .getDomAttribute("data-count"))
                                ? scannerBrowser.findElement(By.id("refused")).getText()
                                : null))
                .as("the poisoned record is set aside and shown to staff")
                .contains("control characters");
    }

    @Test
    @Order(5)
    void the_console_shows_the_holders_visits_in_a_trace() throws Exception {
        browser.get(centre.uri("/console/").toString());
        browser.findElement(By.id("clientId")).sendKeys("tracer-demo");
        browser.findElement(By.id("secret")).sendKeys(secrets.get("tracer-demo"));
        browser.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        // The dashboard redraws every 30 s; read the chart once it is drawn.
        String points = waitFor(
                browser,
                () -> browser.findElement(By.cssSelector("#perMinute svg")).getDomAttribute("data-points"));
        assertThat(Integer.parseInt(points)).as("minutes with check-ins today").isPositive();

        browser.findElement(By.cssSelector("#tabs [data-tab=trace]")).click();
        browser.findElement(By.id("caseId")).sendKeys("2021-서울-0042");
        browser.findElement(By.id("reason")).sendKeys("확진자 역학조사");
        browser.findElement(By.id("subject")).sendKeys(HOLDER);
        browser.findElement(By.cssSelector("#traceForm button[type=submit]")).click();
        String visits = waitFor(browser, () -> {
            String text = browser.findElement(By.id("caseVisits")).getText();
            return text.contains("venue-01") ? text : null;
        });
        assertThat(visits.lines().filter(l -> l.contains("venue-01"))).hasSize(2);
        assertThat(browser.findElement(By.id("traceResult")).getDomAttribute("data-trace-id"))
                .isNotBlank();
        browser.executeScript("arguments[0].scrollIntoView()", browser.findElement(By.id("traceResult")));
        screenshot(browser, "console-trace");
    }

    @Test
    @Order(6)
    void the_wallet_reminds_the_holder_7_days_and_1_day_before_the_status_ends_naming_the_same_last_day() {
        browser.get(page("/wallet/", clockOffset));
        browser.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
        browser.navigate().refresh();
        Instant until = Instant.parse(waitFor(browser, () -> {
            String u = browser.findElement(By.id("statusUntil")).getDomAttribute("data-until");
            return u == null || u.isEmpty() ? null : u;
        }));
        // The status holds up to an exclusive instant (midnight in Korea); a person reads the day before it.
        LocalDate last = LocalDate.ofInstant(until.minusMillis(1), ZoneOffset.ofHours(9));
        String lastDay = "%d년 %d월 %d일".formatted(last.getYear(), last.getMonthValue(), last.getDayOfMonth());
        assertThat(browser.findElement(By.id("statusUntil")).getText()).isEqualTo(lastDay + "까지");
        record Expected(Duration before, String level, String says) {}
        for (var expected : List.of(
                new Expected(Duration.ofHours(6 * 24 + 12), "7", lastDay + "입니다 (6일 남음)"),
                new Expected(Duration.ofHours(36), "1", "내일(" + lastDay + ")까지"),
                new Expected(Duration.ofHours(12), "1", "오늘(" + lastDay + ")까지"))) {
            long secondsBefore = Duration.between(centre.clock.instant(), until.minus(expected.before()))
                    .toSeconds();
            browser.get(page("/wallet/", clockOffset + secondsBefore));
            WebElement reminder = waitFor(browser, () -> {
                WebElement r = browser.findElement(By.id("reminder"));
                return expected.level().equals(r.getDomAttribute("data-level")) && r.isDisplayed() ? r : null;
            });
            assertThat(reminder.getText())
                    .as(expected.before() + " before the end")
                    .contains(expected.says());
            assertThat(browser.findElement(By.id("statusUntil")).getText()).isEqualTo(lastDay + "까지");
            assertThat(reminder.getDomAttribute("class"))
                    .as("the last days are urgent")
                    .matches(expected.level().equals("1") ? ".*urgent.*" : "^(?!.*urgent).*$");
        }
        browser.get(page("/wallet/", clockOffset));
        // The paper pass names the same last day: its credential lives for the status's window.
        waitFor(browser, () -> browser.findElement(By.id("pass")).isDisplayed() ? true : null);
        browser.findElement(By.id("print")).click();
        String paperUntil = waitFor(browser, () -> {
            String text = browser.findElement(By.id("paperUntil")).getText();
            return text.isBlank() ? null : text;
        });
        assertThat(paperUntil).isEqualTo(lastDay + "까지");
        browser.findElement(By.id("paperClose")).click();
    }

    @Test
    @Order(7)
    void the_wallets_service_worker_renews_the_credential_in_the_background_and_the_page_shows_it() {
        browser.get(page("/wallet/", clockOffset));
        waitFor(
                browser,
                () -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-offline-ready"))
                        ? true
                        : null);
        assertThat(browser.findElement(By.tagName("body")).getDomAttribute("data-background-refresh"))
                .as("periodic sync where granted, else a sync on reconnect, else while the page is open")
                .isIn("periodic-sync", "on-reconnect", "while-open");
        assertThat(browser.findElement(By.id("statusUntil")).getDomAttribute("data-until"))
                .isNotEmpty();
        // A booster today: the registry changes, and the worker (not the page) fetches the new credential.
        centre.server
                .centre()
                .registry()
                .upsert(List.of(new ImmunizationRecord(
                        HOLDER,
                        LocalDate.ofInstant(centre.clock.instant(), ZoneOffset.ofHours(9)),
                        VaccineProduct.MODERNA,
                        3)));
        browser.executeScript(
                "navigator.serviceWorker.controller.postMessage({type: 'checkpass-refresh', now: Date.now() + arguments[0] * 1000})",
                clockOffset);
        waitFor(browser, () -> {
            String until = browser.findElement(By.id("statusUntil")).getDomAttribute("data-until");
            return until != null && until.isEmpty() ? true : null;
        });
        assertThat(browser.findElement(By.id("explanation")).getText()).contains("3");
    }

    @Test
    @Order(8)
    void a_counter_clerk_checks_the_id_and_prints_a_paper_pass_in_korean() throws Exception {
        String clerkSecret = centre.secretOf(centre.client("clerk-counter", Role.COUNTER_CLERK));
        browser.get(centre.uri("/console/").toString());
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        browser.findElement(By.id("clientId")).sendKeys("clerk-counter");
        browser.findElement(By.id("secret")).sendKeys(clerkSecret);
        browser.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        waitFor(browser, () -> browser.findElement(By.id("counterQuery")).isDisplayed() ? true : null);
        browser.findElement(By.id("counterQuery")).sendKeys(HOLDER);
        browser.findElement(By.cssSelector("#counterForm button[type=submit]")).click();
        waitFor(
                browser,
                () -> browser.findElement(By.id("counterPerson")).getText().contains("홍길동") ? true : null);

        // Not without the ID check.
        browser.findElement(By.id("counterPrint")).click();
        assertThat(browser.findElement(By.id("counterError")).getText()).isNotBlank();
        browser.findElement(By.id("idChecked")).click();
        browser.findElement(By.id("counterPrint")).click();
        String serial = waitFor(
                browser, () -> browser.findElement(By.id("counterPaper")).getDomAttribute("data-serial"));
        assertThat(browser.findElement(By.id("counterPaper")).getText())
                .contains("방역패스")
                .contains("홍*동");
        assertThat(browser.findElement(By.id("counterPaperUntil")).getText())
                .as("the paper states its last valid day, the earlier of the status's and the credential's")
                .matches("\\d{4}년 \\d{1,2}월 \\d{1,2}일( 오[전후] \\d{1,2}:\\d{2})?까지");
        screenshot(browser, "console-counter-paper");
        assertThat(centre
                        .server
                        .centre()
                        .audit()
                        .read(
                                centre.clock.instant().minusSeconds(600),
                                centre.clock.instant().plusSeconds(60),
                                50,
                                Optional.of("counter-id-check"))
                        .stream()
                        .map(e -> e.subject()))
                .contains("person:" + HOLDER);
        assertThat(serial).hasSize(24);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String page(String path, long offsetSeconds) {
        return centre.uri(path) + "?clockOffset=" + offsetSeconds;
    }

    /**
     * Saves what the page shows, at phone width, as a test artifact for people to look at:
     * {@code checkpass-server/target/screenshots/NAME.png}.
     */
    private static void screenshot(ChromeDriver page, String name) throws Exception {
        Object overflow = page.executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue())
                .as(name + ": the page must not scroll sideways on a phone")
                .isLessThanOrEqualTo(0);
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        byte[] png = page.getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(name + ".png"), png);
        var image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).as("phone width").isBetween(300, 500);
    }

    /** Screenshots the wallet's QR canvas and makes it the scanner's camera picture. */
    private static void showToCamera(String shownAt) throws Exception {
        assertThat(shownAt).isNotBlank();
        Y4m.write(browser.findElement(By.id("qr")).getScreenshotAs(OutputType.BYTES), camera);
    }

    private static WebElement awaitVerdict() {
        return waitFor(scannerBrowser, () -> {
            WebElement v = scannerBrowser.findElement(By.id("verdict"));
            return "1".equals(v.getDomAttribute("data-scan")) ? v : null;
        });
    }

    private static void awaitQueueLength(int length) {
        waitFor(
                scannerBrowser,
                () -> Integer.toString(length)
                                .equals(scannerBrowser
                                        .findElement(By.id("queueLength"))
                                        .getDomAttribute("data-length"))
                        ? "ok"
                        : null);
    }

    /** Waits for a non-null value; on a timeout, says what the page showed and logged, for whoever reads CI's log. */
    private static <T> T waitFor(ChromeDriver driver, Supplier<T> condition) {
        return waitFor(driver, WAIT, condition);
    }

    private static <T> T waitFor(ChromeDriver driver, Duration timeout, Supplier<T> condition) {
        try {
            return new WebDriverWait(driver, timeout)
                    .ignoring(NoSuchElementException.class)
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> condition.get());
        } catch (TimeoutException e) {
            StringBuilder logs = new StringBuilder();
            driver.manage()
                    .logs()
                    .get(LogType.BROWSER)
                    .forEach(entry -> logs.append("\n  ").append(entry.getMessage()));
            throw new AssertionError(
                    "timed out on " + driver.getCurrentUrl() + "; the page shows:\n"
                            + driver.findElement(By.tagName("body")).getText() + "\nbrowser log:" + logs,
                    e);
        }
    }

    /** The holder's first check-in as the scanner uploaded it. */
    private static Map<String, String> firstVisitRecord() throws SQLException {
        String sql =
                "select c.checkin_id::text, encode(c.serial, 'hex'), c.scanned_at from checkin c join issuance i on i.serial = c.serial"
                        + " where i.person_id = '" + HOLDER + "' order by c.scanned_at limit 1";
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet r = s.executeQuery()) {
            assertThat(r.next()).isTrue();
            return Map.of(
                    "id",
                    r.getString(1),
                    "channel",
                    "QR",
                    "format",
                    "CP1",
                    "serial",
                    r.getString(2),
                    "verdict",
                    "ADMIT",
                    "reason",
                    "VALID",
                    "scannedAt",
                    r.getTimestamp(3).toInstant().toString());
        }
    }

    /** The holder's check-ins, found through the issuance ledger as a trace would. */
    private static List<String> holderCheckIns() throws SQLException {
        return query(
                "select c.channel || ' ' || c.verdict || ' ' || c.reason || ' ' || c.venue_id from checkin c join issuance i on i.serial = c.serial"
                        + " where i.person_id = '" + HOLDER + "' order by c.scanned_at");
    }

    private static List<String> query(String sql) throws SQLException {
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
