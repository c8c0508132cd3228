package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's Clients tab in headless Chromium: an issuer-admin creates a wallet provider and a venue's scanner,
 * copies each secret (shown once), rotates one and disables it after confirming; the secrets work, then stop working,
 * over HTTP. A tracer does not see the tab.
 */
class ConsoleClientsBrowserTest {
    static final Instant NOW = Instant.parse("2021-12-13T03:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ChromeDriver browser;

    @BeforeAll
    static void start() {
        assertThat(Chromium.installed())
                .as("the browser tests need Debian's chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(NOW);
        centre.client("admin-console", Role.ISSUER_ADMIN);
        centre.client("tracer-console", Role.TRACER);
        var venue = centre.post(
                "/api/v1/venues",
                "admin-console",
                "{\"venueId\":\"pc-1\",\"businessNumber\":\"1\",\"name\":\"신촌 PC방\",\"address\":\"서울\","
                        + "\"region\":\"서울\",\"venueType\":\"pc_cafe\"}");
        assertThat(venue.statusCode()).as(venue.body()).isEqualTo(201);
        browser = Chromium.start(temp.resolve("profile-console-clients"), null);
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
    void an_admin_creates_rotates_and_disables_clients_and_each_secret_is_shown_once() throws Exception {
        signIn("admin-console");
        browser.findElement(By.cssSelector("#tabs [data-tab=clients]")).click();
        waitFor(() -> browser.findElement(By.cssSelector("#clientList tr[data-client-id=admin-console]")));
        Object unlabelled =
                browser.executeScript("return [...document.querySelectorAll('#clientForm input, #clientForm select')]"
                        + ".filter((e) => e.labels.length === 0).map((e) => e.id)");
        assertThat((java.util.List<?>) unlabelled)
                .as("every field of the form has a label")
                .isEmpty();

        // A wallet provider.
        browser.findElement(By.id("newClientId")).sendKeys("naver");
        browser.findElement(By.id("newClientName")).sendKeys("네이버 지갑");
        browser.findElement(By.id("role-wallet-provider")).click();
        browser.findElement(By.cssSelector("#clientForm button[type=submit]")).click();
        String naver = shownSecret("naver");
        centre.adopt("naver", naver);
        assertThat(centre.get("/api/v1/me", "naver").statusCode()).isEqualTo(200);
        browser.findElement(By.id("clientSecretCopy")).click();
        waitFor(() -> browser.findElement(By.id("clientSecretCopy")).getText().matches("복사했습니다|Copied") ? 1 : null);
        browser.findElement(By.id("clientSecretDone")).click();
        assertThat(browser.findElement(By.id("clientSecretValue")).getText())
                .as("gone once dismissed")
                .isEmpty();
        assertThat(browser.findElement(By.id("clientList")).getText()).doesNotContain(naver);

        // A scanner, bound to the venue picked from the list.
        browser.findElement(By.id("newClientId")).sendKeys("pc-door");
        browser.findElement(By.id("role-scanner")).click();
        waitFor(() -> new Select(browser.findElement(By.id("newClientVenue")))
                        .getOptions()
                        .isEmpty()
                ? null
                : 1);
        new Select(browser.findElement(By.id("newClientVenue"))).selectByValue("pc-1");
        browser.findElement(By.cssSelector("#clientForm button[type=submit]")).click();
        centre.adopt("pc-door", shownSecret("pc-door"));
        screenshot("console-clients");
        JsonNode me = TestCentre.json(centre.get("/api/v1/me", "pc-door"));
        assertThat(me.path("venue").path("venueId").asText()).isEqualTo("pc-1");

        // Rotate, after confirming: the old secret stops working at once.
        String oldNaver = centre.basic("naver");
        browser.executeScript("window.confirm = () => true");
        browser.findElement(By.cssSelector("#clientList tr[data-client-id=naver] button[data-action=rotate]"))
                .click();
        String rotated = shownSecret("naver");
        assertThat(rotated).isNotEqualTo(naver);
        assertThat(centre.send(
                                java.net.http.HttpRequest.newBuilder(centre.uri("/api/v1/me"))
                                        .header("Authorization", oldNaver)
                                        .GET(),
                                null)
                        .statusCode())
                .isEqualTo(401);
        centre.adopt("naver", rotated);
        assertThat(centre.get("/api/v1/me", "naver").statusCode()).isEqualTo(200);

        // Disable: not without confirming; then the client is refused.
        browser.executeScript("window.confirm = () => false");
        browser.findElement(By.cssSelector("#clientList tr[data-client-id=naver] button[data-action=disable]"))
                .click();
        assertThat(centre.get("/api/v1/me", "naver").statusCode()).isEqualTo(200);
        browser.executeScript("window.confirm = () => true");
        browser.findElement(By.cssSelector("#clientList tr[data-client-id=naver] button[data-action=disable]"))
                .click();
        waitFor(() -> "true"
                        .equals(browser.findElement(By.cssSelector("#clientList tr[data-client-id=naver]"))
                                .getDomAttribute("data-disabled"))
                ? 1
                : null);
        assertThat(centre.get("/api/v1/me", "naver").statusCode()).isEqualTo(401);
        assertThat(browser.findElements(
                        By.cssSelector("#clientList tr[data-client-id=admin-console] button[data-action=disable]")))
                .as("an admin does not lock themself out from the console")
                .isEmpty();

        // A bad id is the centre's problem, shown on the form.
        browser.findElement(By.id("newClientId")).sendKeys("lab-x");
        browser.findElement(By.cssSelector("#clientForm button[type=submit]")).click();
        waitFor(() -> browser.findElement(By.id("clientError")).getText().contains("role") ? 1 : null);

        // A tracer has no Clients tab.
        browser.findElement(By.id("signout")).click();
        signIn("tracer-console");
        assertThat(browser.findElement(By.cssSelector("#tabs [data-tab=clients]"))
                        .isDisplayed())
                .isFalse();
    }

    /** What the tab shows at phone width, for people to look at: {@code target/screenshots/NAME.png}. */
    private static void screenshot(String name) throws Exception {
        Object overflow = browser.executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue())
                .as(name + ": the page must not scroll sideways on a phone")
                .isLessThanOrEqualTo(0);
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static void signIn(String clientId) {
        browser.get(centre.uri("/console/").toString());
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        browser.findElement(By.id("clientId")).sendKeys(clientId);
        browser.findElement(By.id("secret")).sendKeys(centre.secretOf(clientId));
        browser.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        waitFor(() -> browser.findElement(By.id("tabs")).isDisplayed() ? 1 : null);
    }

    private static String shownSecret(String clientId) {
        waitFor(() ->
                clientId.equals(browser.findElement(By.id("clientSecretId")).getText()) ? 1 : null);
        String secret = browser.findElement(By.id("clientSecretValue")).getText();
        assertThat(secret).hasSizeGreaterThan(40);
        return secret;
    }

    private static <T> T waitFor(Supplier<T> condition) {
        try {
            return new WebDriverWait(browser, WAIT)
                    .ignoring(NoSuchElementException.class)
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> condition.get());
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "timed out; the page shows:\n"
                            + browser.findElement(By.tagName("body")).getText(),
                    e);
        }
    }
}
