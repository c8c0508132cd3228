package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.notify.push.VapidKeys;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.support.VerifyCli;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 15 in the browser. The SMS proof link's page shows the paper pass's QR, which {@code checkpass verify}
 * answers with CHECK_ID from a screenshot, states the last valid day as the wallet does, passes axe, and opens again
 * with the centre down. And Chromium's DevTools protocol delivers a Web Push to the wallet's service worker, which
 * shows the notification in Korean.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifyBrowserTest {
    /** 24 Jan 2022, 10:00 KST: passes enforced; S-PAPER's second dose on 22 Nov 2021 holds until 21 May 2022. */
    static final Instant COUNTER = Instant.parse("2022-01-24T01:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Chromium.installed())
                .as("Debian chromium and chromium-driver")
                .isTrue();
        Path vapid = temp.resolve("vapid.pem");
        VapidKeys.generate(vapid, TestCentre.ES256);
        centre = new TestCentre(
                MutableClock.ticking(COUNTER),
                Map.of(
                        "server.public-base-url", "https://pass.example.go.kr",
                        "pages.test-hooks", "true",
                        "demo.wallet", "true",
                        "push.vapid-key", vapid.toString(),
                        "push.subject", "mailto:push-ops@example.go.kr"));
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("S-PAPER", "한종이", LocalDate.of(1950, 3, 3), Optional.empty()),
                        new ImmunizationRecord("S-PAPER", LocalDate.of(2021, 11, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("S-PAPER", LocalDate.of(2021, 11, 22), VaccineProduct.PFIZER, 2)));
        browser = Chromium.start(temp.resolve("profile"), null);
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

    /** The page's clock at the centre's: the proof page marks an ended pass by its own clock (shared/clock.js). */
    static String atCentreTime(URI uri) {
        long offset = centre.clock.instant().getEpochSecond() - Instant.now().getEpochSecond();
        return uri + "?clockOffset=" + offset;
    }

    static String proofLinkPath() {
        URI link = centre.server
                .centre()
                .proofLinks()
                .orElseThrow()
                .paperPassLink(new PersonId("S-PAPER"))
                .orElseThrow();
        assertThat(link.toString()).startsWith("https://pass.example.go.kr/p/");
        return link.getRawPath();
    }

    /** {@code checkpass verify --image}, in-process, against the centre's bundle pinned to its trust anchor. */
    static JsonNode verifyImage(Path png, Instant at) throws Exception {
        return VerifyCli.verify(centre, temp, at, "karaoke", "--image", png.toString());
    }

    @Test
    @Order(1)
    void the_proof_pages_qr_is_answered_with_check_id_and_the_page_keeps_for_offline() throws Exception {
        String path = proofLinkPath();
        browser.get(atCentreTime(centre.uri(path)));
        Chromium.await(
                browser,
                () -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-offline-ready")));

        assertThat(browser.findElement(By.id("name")).getText()).isEqualTo("한*이");
        assertThat(browser.findElement(By.id("until")).getText()).isEqualTo("2022년 5월 21일까지");
        assertThat(browser.findElement(By.id("untilEn")).getText()).isEqualTo("until 21 May 2022");
        assertThat(browser.findElement(By.tagName("body")).getText())
                .contains("출입구에서는 이 QR 코드를 확인합니다", "not the text message");
        assertThat(browser.findElement(By.id("expired")).isDisplayed()).isFalse();

        Path png = temp.resolve("proof-qr.png");
        Files.write(png, browser.findElement(By.id("qr")).getScreenshotAs(OutputType.BYTES));
        JsonNode verdict = verifyImage(png, centre.clock.instant());
        assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("CHECK_ID");
        assertThat(verdict.path("maskedName").asText()).isEqualTo("한*이");
        assertThat(verdict.path("bundleSignerPinned").asBoolean()).isTrue();

        assertThat(Axe.violations(browser)).isEmpty();
    }

    @Test
    @Order(2)
    void unknown_and_ended_links_show_a_clear_page_in_korean_and_english() {
        browser.get(centre.uri("/p/AAAAAAAAAAAAAAAAAAAAAA").toString());
        assertThat(browser.findElement(By.id("ending")).getText()).contains("알 수 없는 링크", "Unknown link");
        assertThat(Axe.violations(browser)).isEmpty();

        String path = proofLinkPath();
        centre.clock.set(Instant.parse("2022-05-21T15:00:00Z"));
        try {
            browser.get(centre.uri(path).toString());
            assertThat(browser.findElement(By.tagName("body")).getDomAttribute("data-state"))
                    .isEqualTo("expired");
            assertThat(browser.findElement(By.id("ending")).getText()).contains("만료된 링크", "Link expired");
            assertThat(browser.findElements(By.id("qr"))).isEmpty();
        } finally {
            centre.clock.set(COUNTER.plusSeconds(120));
        }
    }

    @Test
    @Order(3)
    void a_push_delivered_by_devtools_shows_the_notification_in_korean() throws Exception {
        ChromeDriver wallet = Chromium.start(temp.resolve("profile-wallet"), null);
        try {
            wallet.get(centre.uri("/wallet/").toString());
            wallet.setPermission("notifications", "granted");
            Chromium.await(
                    wallet,
                    () -> "true".equals(wallet.findElement(By.tagName("body")).getDomAttribute("data-offline-ready")));
            wallet.executeScript("""
                    window.pushesShown = [];
                    navigator.serviceWorker.addEventListener('message', (e) => {
                      if (e.data && e.data.type === 'push-shown') window.pushesShown.push(e.data);
                    });""");
            String payload = JSON.createObjectNode()
                    .put("id", 7)
                    .put("lang", "ko")
                    .put("title", "방역패스")
                    .put("body", "접종 유효기간이 7일 남았습니다. 추가 접종을 예약하세요.")
                    .toString();
            String origin = centre.uri("/").toString().replaceAll("/$", "");
            wallet.executeCdpCommand("ServiceWorker.enable", Map.of());
            // This profile has one registration, the wallet's; Chromium numbers them from 0 per profile. The protocol
            // answers alike for an id with no registration, so the page's own report is what the test goes by.
            Object shown = null;
            for (int id = 0; id < 4 && shown == null; id++) {
                wallet.executeCdpCommand(
                        "ServiceWorker.deliverPushMessage",
                        Map.of("origin", origin, "registrationId", Integer.toString(id), "data", payload));
                long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < until
                        && (shown = wallet.executeScript("return window.pushesShown[0] || null")) == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(shown).as("the wallet's service worker showed the push").isNotNull();
            @SuppressWarnings("unchecked")
            Map<String, Object> message = (Map<String, Object>) shown;
            assertThat(message).containsEntry("title", "방역패스").containsEntry("lang", "ko");
            assertThat((String) message.get("body")).contains("유효기간이 7일 남았습니다");

            Object notifications = wallet.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    navigator.serviceWorker.ready
                      .then((reg) => reg.getNotifications())
                      .then((list) => done(list.map((n) => n.title + '|' + n.body + '|' + n.lang + '|' + n.tag)))
                      .catch((e) => done(['failed: ' + e]));""");
            assertThat(String.valueOf(notifications)).contains("방역패스|접종 유효기간이 7일 남았습니다. 추가 접종을 예약하세요.|ko|checkpass-7");
        } finally {
            wallet.quit();
        }
    }

    /**
     * The wallet's own subscribe and sign-out code, with the browser's push service played in the page: headless
     * Chromium has none, so {@code pushManager.subscribe} answers a subscription to an FCM endpoint with RFC 8291's
     * example keys, as Chrome's would look.
     */
    @Test
    @Order(4)
    void turning_reminders_on_registers_the_browsers_subscription_and_signing_out_removes_it() throws Exception {
        ChromeDriver wallet = Chromium.start(temp.resolve("profile-subscribe"), null);
        try {
            // The wallet at the centre's time: its session and credential are dated by the centre's clock.
            wallet.get(atCentreTime(centre.uri("/wallet/")));
            wallet.setPermission("notifications", "granted");
            wallet.findElement(By.id("personId")).sendKeys("S-PAPER");
            wallet.findElement(By.id("birthDate")).sendKeys("19500303");
            wallet.findElement(By.cssSelector("#signinForm button[type=submit]"))
                    .click();
            Chromium.await(wallet, () -> wallet.findElement(By.id("notify")).isDisplayed());
            Chromium.await(
                    wallet,
                    () -> "true".equals(wallet.findElement(By.tagName("body")).getDomAttribute("data-offline-ready")));
            wallet.executeScript("""
                    const fake = {
                      endpoint: 'https://fcm.googleapis.com/fcm/send/wallet-test:1',
                      toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: {
                        p256dh: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
                        auth: 'BTBZMqHH6r4Tts7J_aSIgg' } }; },
                      unsubscribe: async () => { window.unsubscribed = true; return true; },
                    };
                    PushManager.prototype.subscribe = async function (options) {
                      window.subscribedWith = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)));
                      return fake;
                    };
                    PushManager.prototype.getSubscription = async () => fake;""");
            wallet.findElement(By.id("notify")).click();
            Chromium.await(wallet, () -> wallet.findElement(By.tagName("body")).getDomAttribute("data-push") != null);
            assertThat(wallet.findElement(By.tagName("body")).getDomAttribute("data-push"))
                    .isEqualTo("subscribed");
            String key = centre.server.centre().vapidKeys().orElseThrow().applicationServerKey();
            assertThat(String.valueOf(wallet.executeScript("return window.subscribedWith")))
                    .as("subscribed with the centre's VAPID key")
                    .isEqualTo(java.util.Base64.getEncoder()
                            .encodeToString(java.util.Base64.getUrlDecoder().decode(key)));
            List<String> ids = centre.server.centre().pushSubscriptions().subscriptionIds(new PersonId("S-PAPER"));
            assertThat(ids).hasSize(1);
            assertThat(centre.server
                            .centre()
                            .pushSubscriptions()
                            .find(ids.getFirst())
                            .orElseThrow()
                            .endpoint())
                    .hasToString("https://fcm.googleapis.com/fcm/send/wallet-test:1");

            wallet.findElement(By.id("signout")).click();
            wallet.findElement(By.id("signoutYes")).click();
            Chromium.await(
                    wallet, () -> Boolean.TRUE.equals(wallet.executeScript("return window.unsubscribed === true")));
            Chromium.await(
                    wallet,
                    () -> centre.server
                            .centre()
                            .pushSubscriptions()
                            .subscriptionIds(new PersonId("S-PAPER"))
                            .isEmpty());
        } finally {
            wallet.quit();
        }
    }

    @Test
    @Order(5)
    void the_demo_wallet_registers_a_subscription_for_its_holder_only() throws Exception {
        var session =
                centre.post("/wallet/api/session", null, "{\"personId\":\"S-PAPER\",\"birthDate\":\"1950-03-03\"}");
        String token = TestCentre.json(session).path("token").asText();
        String subscription = """
                {"language":"ko","subscription":{"endpoint":"https://fcm.googleapis.com/fcm/send/abc:def",
                 "keys":{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
                 "auth":"BTBZMqHH6r4Tts7J_aSIgg"}}}""";
        var registered = centre.send(
                HttpRequest.newBuilder(centre.uri("/wallet/api/push-subscriptions"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(subscription)),
                null);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String id = TestCentre.json(registered).path("id").asText();
        assertThat(centre.server.centre().pushSubscriptions().subscriptionIds(new PersonId("S-PAPER")))
                .containsExactly(id);
        var signedOut = centre.send(
                HttpRequest.newBuilder(centre.uri("/wallet/api/push-subscriptions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(subscription)),
                null);
        assertThat(signedOut.statusCode()).isEqualTo(401);
        var removed = centre.send(
                HttpRequest.newBuilder(centre.uri("/wallet/api/push-subscriptions/" + id))
                        .header("Authorization", "Bearer " + token)
                        .DELETE(),
                null);
        assertThat(removed.statusCode()).isEqualTo(204);
    }

    @Test
    @Order(6)
    void the_proof_page_opens_with_the_centre_down() {
        String path = proofLinkPath();
        browser.get(atCentreTime(centre.uri(path)));
        Chromium.await(
                browser,
                () -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-offline-ready")));
        centre.stop();
        try {
            browser.get(atCentreTime(centre.uri(path)));
            Chromium.await(
                    browser, () -> browser.findElement(By.id("name")).getText().equals("한*이"));
            assertThat(browser.findElement(By.id("qr")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.id("until")).getText()).isEqualTo("2022년 5월 21일까지");
        } finally {
            centre.restart();
        }
    }
}
