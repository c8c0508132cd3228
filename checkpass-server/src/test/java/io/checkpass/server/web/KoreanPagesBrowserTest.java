package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import io.checkpass.server.demo.DemoSeeder;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Every page state a holder, a door and an operator meet, walked in Korean: no English word reaches the screen, and
 * axe-core finds no accessibility violation.
 * Identifiers (a client id, a venue id) are data, marked {@code translate="no"}, and not counted; nor are the names
 * Korean itself writes in Latin letters (QR, ID, PCR) and the language switch's own label, "English".
 */
class KoreanPagesBrowserTest {
    static final Instant LUNCH = Instant.parse("2022-01-20T02:55:00Z");
    static final String HOLDER = "P-KOREAN-1";
    static final List<String> LATIN_IN_KOREAN =
            List.of("English", "QR", "ID", "PCR", "PC", "API", "checkpass", "DCC", "SHC", "NZCP", "CSV", "SMS", "KST");

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ChromeDriver browser;
    static Map<String, String> secrets;
    static long offset;
    /** English words found, by page state. */
    static final Map<String, List<String>> leaks = new LinkedHashMap<>();
    /** axe-core's violations, by page state. */
    static final Map<String, List<String>> inaccessible = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        assertThat(Chromium.installed())
                .as("Debian chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of("demo.wallet", "true", "pages.test-hooks", "true"));
        var server = centre.server;
        secrets = new java.util.HashMap<>(new DemoSeeder(
                        server.centre().registry(),
                        server.centre().clientAdministration(),
                        server.centre().venues())
                .seed(5, centre.dataDir)
                .secrets());
        secrets.put("clerk-ko", centre.secretOf(centre.client("clerk-ko", Role.COUNTER_CLERK)));
        server.centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord(HOLDER, "이영희", LocalDate.of(1970, 4, 2), Optional.of("010-5555-7777")),
                        new ImmunizationRecord(HOLDER, LocalDate.of(2021, 7, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord(HOLDER, LocalDate.of(2021, 8, 5), VaccineProduct.PFIZER, 2)));
        offset = Math.round((centre.clock.millis() - System.currentTimeMillis()) / 1000.0);
        browser = Chromium.start(temp.resolve("profile-korean"), null);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (centre != null) {
            centre.close();
        }
    }

    @Test
    void no_english_word_reaches_a_korean_page_in_any_state() {
        wallet();
        scanner();
        console();
        assertThat(leaks).as("English words on Korean pages, by state").isEmpty();
        assertThat(inaccessible).as("axe-core violations, by state").isEmpty();
        assertThat(states).as("states walked").isGreaterThan(20);
    }

    static int states;

    private static void wallet() {
        open("/wallet/");
        check("wallet: sign-in");
        type("personId", HOLDER);
        type("birthDate", "1970042");
        submit("#signinForm");
        Chromium.await(browser, () -> !text("signinError").isBlank());
        check("wallet: a birth date of seven digits");
        type("birthDate", "19700403");
        submit("#signinForm");
        Chromium.await(
                browser,
                () -> !text("signinError").isBlank() && !text("signinError").contains("8자리"));
        check("wallet: wrong birth date");
        type("birthDate", "19700402");
        submit("#signinForm");
        Chromium.await(browser, () -> browser.findElement(By.id("pass")).isDisplayed());
        check("wallet: the pass");
        browser.findElement(By.id("signout")).click();
        check("wallet: sign-out asks");
        browser.findElement(By.id("signoutNo")).click();
        browser.findElement(By.id("print")).click();
        Chromium.await(browser, () -> browser.findElement(By.id("paper")).isDisplayed());
        check("wallet: paper pass");
        browser.findElement(By.id("paperClose")).click();
        // The detector works: in English the same page is full of English words.
        browser.findElement(By.id("lang")).click();
        assertThat(englishWords()).as("the detector, on the English page").hasSizeGreaterThan(10);
        // The language switch redraws everything; back to Korean, nothing English stays behind.
        browser.findElement(By.id("lang")).click();
        check("wallet: after switching to English and back");
    }

    private static void scanner() {
        open("/scanner/");
        check("scanner: sign-in");
        type("scannerId", "scanner-venue-01");
        type("secret", "not-the-secret");
        submit("#signinForm");
        Chromium.await(browser, () -> !text("signinError").isBlank());
        check("scanner: wrong secret");
        type("secret", secrets.get("scanner-venue-01"));
        submit("#signinForm");
        Chromium.await(browser, () -> "true".equals(body("data-ready")));
        Chromium.await(browser, () -> !text("cameraState").isBlank());
        check("scanner: the door, no camera on this machine, sound off");
        for (String verdict : List.of("ADMIT", "ADMIT_LIMITED", "CHECK_ID", "DENY")) {
            browser.executeScript(
                    "window.checkpassTest.show({verdict: arguments[0], reason: arguments[1], maskedName: '이*희',"
                            + " birthYear: 1970, status: 'vaccinated', condition: arguments[2]})",
                    verdict,
                    verdict.equals("DENY") ? "REVOKED" : verdict.equals("CHECK_ID") ? "ID_CHECK_REQUIRED" : "VALID",
                    verdict.equals("ADMIT_LIMITED")
                            ? Map.of("ko", "미접종자는 1인 단독 이용만 가능", "en", "Unvaccinated: alone only")
                            : null);
            check("scanner: verdict " + verdict);
            browser.findElement(By.id("verdict")).click();
        }
        browser.findElement(By.id("manualOpen")).click();
        type("phone", "12");
        submit("#manual");
        Chromium.await(browser, () -> !text("manualError").isBlank());
        check("scanner: manual entry, a bad phone number");
        browser.findElement(By.id("manualClose")).click();
        browser.findElement(By.id("lang")).click();
        browser.findElement(By.id("lang")).click();
        check("scanner: after switching to English and back");
    }

    private static void console() {
        open("/console/");
        check("console: sign-in");
        type("clientId", "tracer-demo");
        type("secret", "wrong");
        submit("#signinForm");
        Chromium.await(browser, () -> !text("signinError").isBlank());
        check("console: wrong secret");
        for (String client : List.of("admin-demo", "tracer-demo", "auditor-demo", "clerk-ko")) {
            browser.executeScript("sessionStorage.clear()");
            open("/console/");
            type("clientId", client);
            type("secret", secrets.get(client));
            submit("#signinForm");
            Chromium.await(browser, () -> browser.findElement(By.id("who")).isDisplayed());
            List<WebElement> tabs = browser.findElements(By.cssSelector("#tabs [data-tab]")).stream()
                    .filter(WebElement::isDisplayed)
                    .toList();
            List<String> names = new ArrayList<>();
            tabs.forEach(tab -> names.add(tab.getDomAttribute("data-tab")));
            for (String name : names) {
                browser.findElement(By.cssSelector("#tabs [data-tab='" + name + "']"))
                        .click();
                Chromium.await(browser, () -> browser.findElement(By.id(name)).isDisplayed());
                settle();
                check("console as " + client + ": " + name);
                for (WebElement form : browser.findElements(By.cssSelector("#" + name + " form"))) {
                    if (form.isDisplayed()) {
                        browser.executeScript("arguments[0].noValidate = true; arguments[0].requestSubmit()", form);
                        settle();
                        check("console as " + client + ": " + name + ", submitted empty");
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void open(String path) {
        browser.get(centre.uri(path) + "?clockOffset=" + offset);
        browser.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
        browser.navigate().refresh();
    }

    /** Collects the English words visible now. */
    private static void check(String state) {
        states++;
        List<String> found = englishWords();
        if (!found.isEmpty()) {
            leaks.put(state, found);
        }
        List<String> violations = Axe.violations(browser);
        if (!violations.isEmpty()) {
            inaccessible.put(state, violations);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> englishWords() {
        return (List<String>) browser.executeScript("""
                const allowed = new Set(arguments[0]);
                const found = [];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                  const el = walker.currentNode.parentElement;
                  if (!el || el.closest('[translate="no"], script, style') || !el.checkVisibility()) continue;
                  for (const token of walker.currentNode.textContent.split(/[^A-Za-z0-9._@:\\/-]+/)) {
                    if (/^[A-Za-z]{3,}$/.test(token) && !allowed.has(token)) found.push(token + ' (#' + (el.id || el.tagName) + ')');
                  }
                }
                return found;
                """, LATIN_IN_KOREAN);
    }

    private static void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private static void submit(String form) {
        browser.findElement(By.cssSelector(form + " button[type=submit]")).click();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static String body(String attribute) {
        return browser.findElement(By.tagName("body")).getDomAttribute(attribute);
    }

    /** Lets the page's requests answer (a state is what it shows once they have). */
    private static void settle() {
        try {
            Thread.sleep(700);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
