package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.conformance.qr.QrCodes;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Setting up a door without typing a secret: an administrator makes a pairing code in the console, which shows it as
 * a QR; the QR, read as a tablet's camera would read it, opens the scanner page, which becomes a scanner of that
 * venue and is ready at the door. The same code typed on a second tablet pairs nothing.
 */
class PairingBrowserTest {
    static final Instant LUNCH = Instant.parse("2022-01-20T02:55:00Z");

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ChromeDriver console;
    static ChromeDriver tablet;

    @BeforeAll
    static void start() {
        assertThat(Chromium.installed())
                .as("Debian chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of());
        centre.client("admin-pairing", Role.ISSUER_ADMIN);
        centre.server
                .centre()
                .venues()
                .add(new Venues.Venue(
                        "venue-gukbap", "123-45-67890", "을지로 국밥", "서울 중구", "서울", "restaurant_cafe", Optional.empty()));
        console = Chromium.start(temp.resolve("profile-console"), null);
        tablet = Chromium.start(temp.resolve("profile-tablet"), null);
    }

    @AfterAll
    static void stop() {
        if (tablet != null) {
            tablet.quit();
        }
        if (console != null) {
            console.quit();
        }
        if (centre != null) {
            centre.close();
        }
    }

    @Test
    void a_tablet_that_opens_the_consoles_pairing_qr_becomes_the_venues_scanner() throws Exception {
        console.get(centre.uri("/console/").toString());
        console.findElement(By.id("clientId")).sendKeys("admin-pairing");
        console.findElement(By.id("secret")).sendKeys(centre.secretOf("admin-pairing"));
        console.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        Chromium.await(
                console,
                () -> console.findElement(By.cssSelector("#tabs [data-tab='clients']"))
                        .isDisplayed());
        console.findElement(By.cssSelector("#tabs [data-tab='clients']")).click();
        Chromium.await(console, () -> console.findElement(By.cssSelector("#pairingVenue option")) != null);
        console.findElement(By.cssSelector("#pairingForm button[type=submit]")).click();
        Chromium.await(
                console, () -> console.findElement(By.id("pairingResult")).isDisplayed());
        String code = console.findElement(By.id("pairingCode")).getText();
        assertThat(code).matches("[0-9A-Z]{4}-[0-9A-Z]{4}");

        // The tablet's camera reads the QR on the console's screen and opens the link in it.
        byte[] shot = console.findElement(By.id("pairingQr")).getScreenshotAs(OutputType.BYTES);
        String link = QrCodes.decode(ImageIO.read(new ByteArrayInputStream(shot)))
                .orElseThrow(() -> new AssertionError("the console's pairing QR does not read"));
        assertThat(link).isEqualTo(centre.uri("/scanner/?pair=" + code).toString());
        tablet.get(link);
        Chromium.await(
                tablet,
                () -> "true".equals(tablet.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        assertThat(tablet.findElement(By.id("venueName")).getText()).contains("을지로 국밥");
        assertThat(tablet.getCurrentUrl()).as("the code leaves the address bar").doesNotContain("pair=");
        assertThat(String.valueOf(tablet.executeScript("return JSON.stringify(localStorage) + document.cookie")))
                .as("the tablet holds no secret a script could read")
                .doesNotContain(code)
                .doesNotContain("checkpass_scanner");
        String scannerId = String.valueOf(
                tablet.executeScript("return JSON.parse(localStorage.getItem('checkpass.scanner.signin')).scannerId"));
        assertThat(centre.server.centre().clientAdministration().find(scannerId))
                .hasValueSatisfying(c -> assertThat(c.venueId()).hasValue("venue-gukbap"));

        // The same code on a second tablet pairs nothing, and says so in Korean.
        ChromeDriver second = Chromium.start(temp.resolve("profile-second"), null);
        try {
            second.get(centre.uri("/scanner/").toString());
            second.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
            second.navigate().refresh();
            second.findElement(By.id("pairCode")).sendKeys(code);
            second.findElement(By.cssSelector("#pairForm button[type=submit]")).click();
            Chromium.await(
                    second,
                    () -> second.findElement(By.id("pairError")).getText().contains("연결 코드"));
            assertThat(second.findElement(By.tagName("body")).getDomAttribute("data-ready"))
                    .isNotEqualTo("true");
        } finally {
            second.quit();
        }
    }
}
