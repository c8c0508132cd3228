package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.demo.DemoSeeder;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The door's verdicts as staff and the queue meet them, in Chromium without the autoplay exemption a kiosk browser
 * would not have either: after a reload the page says its sound is off until someone taps; each verdict has its own
 * mark and word and is spoken in Korean; the verdicts that ask staff to act stay until tapped; and greyscale
 * screenshots of the four (saved as test artifacts) still tell them apart.
 */
class DoorVerdictsBrowserTest {
    static final Instant LUNCH = Instant.parse("2022-01-20T02:55:00Z");

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ChromeDriver scanner;
    static long clockOffset;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Chromium.installed())
                .as("Debian chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of("pages.test-hooks", "true"));
        var server = centre.server;
        Map<String, String> secrets = new DemoSeeder(
                        server.centre().registry(),
                        server.centre().clientAdministration(),
                        server.centre().venues())
                .seed(5, centre.dataDir)
                .secrets();
        clockOffset = Math.round((centre.clock.millis() - System.currentTimeMillis()) / 1000.0);
        scanner = Chromium.start(temp.resolve("profile-door"), null);
        scanner.get(centre.uri("/scanner/") + "?clockOffset=" + clockOffset);
        scanner.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
        scanner.navigate().refresh();
        Chromium.await(scanner, () -> scanner.findElement(By.id("scannerId")).isDisplayed() ? true : null);
        scanner.findElement(By.id("scannerId")).sendKeys("scanner-venue-01");
        scanner.findElement(By.id("secret")).sendKeys(secrets.get("scanner-venue-01"));
        scanner.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        Chromium.await(scanner, () -> "true".equals(body("data-ready")) ? true : null);
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
    void after_a_reload_a_banner_says_the_sound_is_off_until_a_tap_turns_it_on() {
        scanner.navigate().refresh();
        Chromium.await(scanner, () -> "true".equals(body("data-ready")) ? true : null);
        assertThat(scanner.findElement(By.id("soundOff")).isDisplayed()).isTrue();
        assertThat(scanner.findElement(By.id("soundOff")).getText()).contains("소리가 꺼져");
        assertThat(body("data-sound")).isEqualTo("off");

        scanner.findElement(By.id("soundOff")).click();
        Chromium.await(scanner, () -> "on".equals(body("data-sound")) ? true : null);
        assertThat(scanner.findElement(By.id("soundOff")).isDisplayed()).isFalse();
    }

    @Test
    void an_owner_locks_the_venue_type_and_sign_out_behind_a_pin_that_a_guess_does_not_open() {
        var lock = scanner.findElement(By.id("lockToggle"));
        assertThat(body("data-locked")).as("no PIN yet").isEqualTo("false");
        lock.click();
        scanner.findElement(By.id("pin")).sendKeys("2468");
        scanner.findElement(By.id("pinAgain")).sendKeys("2469");
        scanner.findElement(By.cssSelector("#pinForm button[type=submit]")).click();
        assertThat(scanner.findElement(By.id("pinError")).getText()).contains("다릅니다");
        scanner.findElement(By.id("pinAgain")).clear();
        scanner.findElement(By.id("pinAgain")).sendKeys("2468");
        scanner.findElement(By.cssSelector("#pinForm button[type=submit]")).click();
        Chromium.await(scanner, () -> "true".equals(body("data-locked")) ? true : null);

        // Locked, and still locked after a reload: the venue type and sign-out do not move.
        scanner.navigate().refresh();
        Chromium.await(scanner, () -> "true".equals(body("data-ready")) ? true : null);
        assertThat(body("data-locked")).isEqualTo("true");
        assertThat(scanner.findElement(By.id("venueType")).isEnabled()).isFalse();
        assertThat(scanner.findElement(By.id("signout")).isEnabled()).isFalse();
        assertThat(scanner.findElement(By.id("lockState")).getText()).contains("잠김");

        scanner.findElement(By.id("lockToggle")).click();
        scanner.findElement(By.id("pin")).sendKeys("1234");
        scanner.findElement(By.cssSelector("#pinForm button[type=submit]")).click();
        Chromium.await(
                scanner, () -> scanner.findElement(By.id("pinError")).getText().contains("맞지 않습니다") ? true : null);
        assertThat(body("data-locked")).as("a wrong PIN opens nothing").isEqualTo("true");

        scanner.findElement(By.id("pin")).clear();
        scanner.findElement(By.id("pin")).sendKeys("2468");
        scanner.findElement(By.cssSelector("#pinForm button[type=submit]")).click();
        Chromium.await(scanner, () -> "false".equals(body("data-locked")) ? true : null);
        assertThat(scanner.findElement(By.id("venueType")).isEnabled()).isTrue();
        assertThat(scanner.findElement(By.id("signout")).isEnabled()).isTrue();

        scanner.findElement(By.id("lockToggle")).click();
        assertThat(body("data-locked")).as("locked again at once").isEqualTo("true");
    }

    @Test
    void each_verdict_has_its_mark_and_word_is_spoken_in_korean_and_the_asking_ones_stay_until_tapped()
            throws Exception {
        record Expected(String mark, String word, String spoken, boolean stays) {}
        Map<String, Expected> verdicts = new LinkedHashMap<>();
        verdicts.put("ADMIT", new Expected("✓", "통과", "통과입니다", false));
        verdicts.put("ADMIT_LIMITED", new Expected("✓!", "조건 확인", "조건을 확인하세요", true));
        verdicts.put("CHECK_ID", new Expected("!", "신분증 확인", "신분증을 확인하세요", true));
        verdicts.put("DENY", new Expected("✕", "입장 불가", "입장할 수 없습니다", false));
        // The page's speech goes through the platform's speechSynthesis; record what it is asked to say.
        scanner.executeScript("window.spoken = [];"
                + " speechSynthesis.speak = (u) => window.spoken.push(u.lang + ' ' + u.text);"
                + " speechSynthesis.cancel = () => {};");
        Map<String, BufferedImage> greys = new LinkedHashMap<>();
        Files.createDirectories(Path.of("target", "screenshots"));
        for (var entry : verdicts.entrySet()) {
            String verdict = entry.getKey();
            Expected expected = entry.getValue();
            scanner.executeScript(
                    "window.checkpassTest.show({verdict: arguments[0], reason: arguments[1], maskedName: '홍*동',"
                            + " birthYear: 1985, status: 'vaccinated'})",
                    verdict,
                    verdict.equals("CHECK_ID") ? "ID_CHECK_REQUIRED" : "VALID");
            var overlay = scanner.findElement(By.id("verdict"));
            assertThat(overlay.isDisplayed()).isTrue();
            assertThat(scanner.findElement(By.id("verdictMark")).getText()).isEqualTo(expected.mark());
            assertThat(scanner.findElement(By.id("verdictTitle")).getText()).isEqualTo(expected.word());
            assertThat(scanner.executeScript("return window.spoken[window.spoken.length - 1]"))
                    .isEqualTo("ko-KR " + expected.spoken());
            assertThat(String.valueOf(scanner.executeScript("return window.spoken.join('|')")))
                    .as("the queue hears the verdict, not who it was")
                    .doesNotContain("홍");
            BufferedImage grey = greyscale(scanner.getScreenshotAs(OutputType.BYTES));
            ImageIO.write(
                    grey,
                    "png",
                    Path.of("target", "screenshots", "verdict-" + verdict + "-grey.png")
                            .toFile());
            greys.put(verdict, grey);
            if (expected.stays()) {
                // Longer than a passing verdict lasts: it is still there, until staff tap it.
                Thread.sleep(4_000);
                assertThat(overlay.isDisplayed()).as(verdict + " stays").isTrue();
                overlay.click();
                assertThat(overlay.isDisplayed()).isFalse();
            } else {
                Chromium.await(scanner, () -> overlay.isDisplayed() ? null : true);
            }
        }
        List<String> names = List.copyOf(greys.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                assertThat(meanDifference(greys.get(names.get(i)), greys.get(names.get(j))))
                        .as("in greyscale, %s and %s look different", names.get(i), names.get(j))
                        .isGreaterThan(20.0);
            }
        }
    }

    private static BufferedImage greyscale(byte[] png) throws Exception {
        BufferedImage colour = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage grey = new BufferedImage(colour.getWidth(), colour.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < colour.getHeight(); y++) {
            for (int x = 0; x < colour.getWidth(); x++) {
                int rgb = colour.getRGB(x, y);
                int luma = (int) Math.round(
                        0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff));
                grey.getRaster().setSample(x, y, 0, luma);
            }
        }
        return grey;
    }

    /** The mean absolute difference of two greyscale images' pixels, 0..255. */
    private static double meanDifference(BufferedImage a, BufferedImage b) {
        int width = Math.min(a.getWidth(), b.getWidth());
        int height = Math.min(a.getHeight(), b.getHeight());
        long sum = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                sum += Math.abs(a.getRaster().getSample(x, y, 0) - b.getRaster().getSample(x, y, 0));
            }
        }
        return (double) sum / ((long) width * height);
    }

    private static String body(String attribute) {
        return scanner.findElement(By.tagName("body")).getDomAttribute(attribute);
    }
}
