package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The wallet as an unvaccinated holder meets it on 20 January 2022, in Korean: the birth date typed as eight digits,
 * a status badge with a mark, a line saying where they may go today (from the rules in force, not from the page),
 * and a sign-out that asks before it deletes the pass.
 */
class WalletHolderBrowserTest {
    static final Instant LUNCH = Instant.parse("2022-01-20T02:55:00Z");
    static final String HOLDER = "P-UNVAX-1";

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ChromeDriver browser;

    @BeforeAll
    static void start() {
        assertThat(Chromium.installed())
                .as("Debian chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of("demo.wallet", "true", "pages.test-hooks", "true"));
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord(HOLDER, "김철수", LocalDate.of(1961, 5, 9), Optional.empty())));
        long offset = Math.round((centre.clock.millis() - System.currentTimeMillis()) / 1000.0);
        browser = Chromium.start(temp.resolve("profile-holder"), null);
        browser.get(centre.uri("/wallet/") + "?clockOffset=" + offset);
        browser.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
        browser.navigate().refresh();
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
    void an_unvaccinated_holder_signs_in_with_eight_digits_sees_where_they_may_go_and_is_asked_before_sign_out() {
        browser.findElement(By.id("personId")).sendKeys(HOLDER);
        browser.findElement(By.id("birthDate")).sendKeys("1961059");
        browser.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        assertThat(browser.findElement(By.id("signinError")).getText()).contains("8자리");

        browser.findElement(By.id("birthDate")).clear();
        browser.findElement(By.id("birthDate")).sendKeys("19610509");
        browser.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        Chromium.await(browser, () -> browser.findElement(By.id("pass")).isDisplayed() ? true : null);

        assertThat(browser.findElement(By.id("statusMark")).getText()).isEqualTo("✕");
        assertThat(browser.findElement(By.id("statusBadgeText")).getText()).isEqualTo("미접종");
        assertThat(browser.findElement(By.id("statusBadge")).getDomAttribute("data-look"))
                .isEqualTo("refused");
        // The rules of 18 January 2022: restaurants and cafés admit the unvaccinated alone; karaoke does not.
        String today = Chromium.await(browser, () -> {
            String text = browser.findElement(By.id("todayList")).getText();
            return text.isBlank() ? null : text;
        });
        assertThat(browser.findElement(By.id("today")).getText()).contains("방역패스가 필요 없는 시설은 모두");
        assertThat(today)
                .contains("식당·카페: 미접종자는 1인 단독 이용만 가능")
                .contains("이용할 수 없는 곳")
                .contains("노래");
        assertThat(today).as("a negative test admits them").contains("PCR");

        browser.findElement(By.id("signout")).click();
        assertThat(browser.findElement(By.id("signoutConfirm")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("signoutConfirm")).getText()).contains("패스가 지워집니다");
        browser.findElement(By.id("signoutNo")).click();
        assertThat(browser.findElement(By.id("signoutConfirm")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("pass")).isDisplayed())
                .as("cancel keeps the pass")
                .isTrue();

        browser.findElement(By.id("signout")).click();
        browser.findElement(By.id("signoutYes")).click();
        Chromium.await(browser, () -> browser.findElement(By.id("signin")).isDisplayed() ? true : null);
        assertThat(browser.findElement(By.id("pass")).isDisplayed()).isFalse();
    }
}
