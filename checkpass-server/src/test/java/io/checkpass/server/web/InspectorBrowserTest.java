package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.PersonRecord;
import io.checkpass.server.inspection.District;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A district officer on a phone (430 × 932): signs in, finds a venue of their district, records an inspection with a
 * finding, a user violation (the ID checked on site) and an operator violation, sees the fines the schedule sets,
 * shows the Korean notice and voids a fine with a reason. The page is axe-clean in Korean and in English, and the
 * venue's poster link opens the venue directly.
 */
class InspectorBrowserTest {
    static final Instant LUNCH = Instant.parse("2021-12-13T03:30:00Z");

    @TempDir
    static Path temp;

    static TestCentre centre;
    static ChromeDriver phone;

    @BeforeAll
    static void start() {
        assertThat(Chromium.installed())
                .as("Debian chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of());
        var services = centre.server.centre();
        services.registry()
                .upsert(List.of(new PersonRecord("P-ON-SITE", "홍길동", LocalDate.of(1990, 3, 1), Optional.empty())));
        String venues = """
                venue_id,business_number,name,address,region,district_code,district_name,venue_type,operator_name,operator_phone
                jongno-gukbap,123-45-67890,종로 국밥,서울 종로구 종로 1,서울,11110,종로구,restaurant_cafe,김운영,010-1234-5678
                jung-karaoke,123-45-67891,을지로 노래방,서울 중구 을지로 2,서울,11140,중구,karaoke,박운영,02-123-4567
                """;
        var imported = services.inspections()
                .venueImport()
                .run(
                        "test",
                        "venues.csv",
                        new ByteArrayInputStream(venues.getBytes(StandardCharsets.UTF_8)),
                        Set.of("restaurant_cafe", "karaoke"),
                        1,
                        (bytes, rows) -> {},
                        r -> {});
        assertThat(imported.inserted()).isEqualTo(2);
        var inspector = services.inspections()
                .scopes()
                .create("test", "inspector-phone", "종로구 단속", new District("11110", "종로구"));
        centre.adopt("inspector-phone", inspector.secret());
        phone = Chromium.start(temp.resolve("profile-phone"), null);
    }

    @AfterAll
    static void stop() {
        if (phone != null) {
            phone.quit();
        }
        if (centre != null) {
            centre.close();
        }
    }

    @Test
    void an_inspector_records_an_inspection_on_a_phone_and_the_page_is_accessible() {
        phone.get(centre.uri("/inspector/").toString());
        phone.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
        phone.navigate().refresh();
        assertThat(Axe.violations(phone)).as("axe, sign-in").isEmpty();
        phone.findElement(By.id("clientId")).sendKeys("inspector-phone");
        phone.findElement(By.id("secret")).sendKeys(centre.secretOf("inspector-phone"));
        phone.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        Chromium.await(
                phone, () -> "true".equals(phone.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        assertThat(phone.findElement(By.id("district")).getText()).contains("종로구", "11110");

        // A search finds the district's venues only.
        phone.findElement(By.id("query")).sendKeys("노래방");
        phone.findElement(By.cssSelector("#searchForm button")).click();
        Chromium.await(
                phone,
                () -> phone.findElement(By.cssSelector("#results li")).getText().contains("없습니다"));
        phone.findElement(By.id("query")).clear();
        phone.findElement(By.id("query")).sendKeys("국밥");
        phone.findElement(By.cssSelector("#searchForm button")).click();
        Chromium.await(phone, () -> phone.findElement(By.cssSelector("#results button[data-venue='jongno-gukbap']")))
                .click();
        Chromium.await(phone, () -> phone.findElement(By.id("venue")).isDisplayed());
        assertThat(phone.findElement(By.id("venueName")).getText()).isEqualTo("종로 국밥");
        // The door log (ComplianceService) answers: nothing checked at this venue in the last hours, nothing flagged.
        Chromium.await(
                phone, () -> phone.findElement(By.id("doorFacts")).getText().contains("기록 없음"));
        assertThat(phone.findElement(By.id("doorNotice")).isDisplayed()).isFalse();
        assertThat(phone.findElements(By.cssSelector("#checklist input[type=checkbox]")))
                .hasSizeGreaterThanOrEqualTo(5);
        assertThat(Axe.violations(phone))
                .as("axe, the venue and the inspection form")
                .isEmpty();

        phone.findElement(By.cssSelector("#checklist input[value='ADMITTED_WITHOUT_PASS']"))
                .click();
        phone.findElement(By.id("personId")).sendKeys("P-ON-SITE");
        phone.findElement(By.id("personLookup")).click();
        Chromium.await(phone, () -> phone.findElement(By.id("personCheck")).isDisplayed());
        assertThat(phone.findElement(By.id("personFacts")).getText()).contains("홍길동", "1990-03-01");
        phone.findElement(By.id("idMatches")).click();
        phone.findElement(By.id("addUser")).click();
        Chromium.await(
                phone,
                () -> phone.findElement(By.cssSelector("#users li")).getText().contains("홍길동"));
        phone.findElement(By.id("operatorViolation")).click();
        phone.findElement(By.cssSelector("#inspection button[type=submit]")).click();
        Chromium.await(
                phone,
                () -> phone.findElements(By.cssSelector("#violations li")).size() == 2);
        List<WebElement> fines = phone.findElements(By.cssSelector("#violations .fine"));
        assertThat(fines).extracting(WebElement::getText).containsExactly("과태료 100,000원", "과태료 1,500,000원");
        assertThat(phone.findElement(By.id("violations")).getText()).contains("운영중단 10일", "1차 위반");
        assertThat(Axe.violations(phone)).as("axe, the sanctions").isEmpty();

        // The operator's notice, in Korean, ready to print.
        phone.findElements(By.cssSelector("#violations li"))
                .get(1)
                .findElement(By.xpath(".//button[@type='button']"))
                .click();
        Chromium.await(phone, () -> phone.findElement(By.id("notice")).isDisplayed());
        assertThat(phone.findElement(By.id("notice")).getText())
                .contains("과태료 부과 및 행정처분 사전 통지서", "1,500,000원", "운영중단 10일", "종로 국밥");

        // A void with its reason.
        WebElement user = phone.findElements(By.cssSelector("#violations li")).getFirst();
        user.findElement(By.cssSelector("input")).sendKeys("신분증 재확인 결과 접종 완료자");
        user.findElement(By.cssSelector("button[type=submit]")).click();
        Chromium.await(
                phone,
                () -> phone.findElements(By.cssSelector("#violations li"))
                        .getFirst()
                        .getText()
                        .contains("취소됨"));

        // English, and still accessible.
        phone.findElement(By.id("lang")).click();
        assertThat(phone.findElement(By.tagName("h1")).getText()).isEqualTo("Venue inspection");
        assertThat(phone.findElement(By.id("violations")).getText()).contains("Fine KRW 1,500,000");
        assertThat(Axe.violations(phone)).as("axe, in English").isEmpty();
    }

    @Test
    void the_venue_poster_link_opens_the_venue_and_a_venue_elsewhere_is_refused() {
        ChromeDriver other = Chromium.start(temp.resolve("profile-poster"), null);
        try {
            other.get(centre.uri("/inspector/?venue=jung-karaoke").toString());
            other.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
            other.navigate().refresh();
            other.findElement(By.id("clientId")).sendKeys("inspector-phone");
            other.findElement(By.id("secret")).sendKeys(centre.secretOf("inspector-phone"));
            other.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
            Chromium.await(
                    other, () -> other.findElement(By.id("pickError")).getText().contains("담당 시·군·구 밖"));
            Object parsed = other.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "import('/inspector/inspector.js').then((m) => done([m.venueOfQr('https://c.example/inspector/?venue=jongno-gukbap'),"
                    + " m.venueOfQr('jongno-gukbap'), m.venueOfQr('CP1:XYZ')]))");
            assertThat(String.valueOf(parsed)).isEqualTo("[jongno-gukbap, jongno-gukbap, null]");
        } finally {
            other.quit();
        }
    }

    @Test
    void the_console_uploads_venues_in_parts_lists_refused_lines_and_charts_the_district_report() throws Exception {
        centre.client("admin-venues", io.checkpass.server.auth.Role.ISSUER_ADMIN);
        Path csv = temp.resolve("venues-upload.csv");
        StringBuilder rows = new StringBuilder(
                "venue_id,business_number,name,address,region,district_code,district_name,venue_type,operator_name,operator_phone\n");
        for (int i = 0; i < 40; i++) {
            rows.append(i == 7 ? "Bad Id" : "upload-" + i)
                    .append(",123-45-678")
                    .append(10 + i)
                    .append(",\"가게, ")
                    .append(i)
                    .append("\",서울 중구,서울,11140,중구,")
                    .append(i == 30 ? "spaceship" : "restaurant_cafe")
                    .append(",운영자,010-1234-5678\n");
        }
        java.nio.file.Files.writeString(csv, rows.toString());
        ChromeDriver console = Chromium.start(temp.resolve("profile-console"), null);
        try {
            console.get(centre.uri("/console/").toString());
            console.executeScript("localStorage.setItem('checkpass.lang', 'ko')");
            console.navigate().refresh();
            // Parts are whole rows, with the header, numbered as lines of the whole file.
            Object parts = console.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "import('/console/inspections.js').then((m) => done(JSON.stringify("
                    + "m.splitCsv('h1,h2\\na,\\\"x\\ny\\\"\\nb,2\\nc,3\\n', 12).map((p) => p.firstLine))))");
            assertThat(parts).isEqualTo("[1,3,4]");
            console.findElement(By.id("clientId")).sendKeys("admin-venues");
            console.findElement(By.id("secret")).sendKeys(centre.secretOf("admin-venues"));
            console.findElement(By.cssSelector("#signinForm button[type=submit]"))
                    .click();
            Chromium.await(
                    console,
                    () -> console.findElement(By.cssSelector("#tabs [data-tab='venues']"))
                            .isDisplayed());
            console.findElement(By.cssSelector("#tabs [data-tab='venues']")).click();
            console.findElement(By.id("venueFile")).sendKeys(csv.toString());
            console.findElement(By.id("venueSubmit")).click();
            Chromium.await(
                    console,
                    () -> console.findElement(By.id("venueResult")).getText().contains("완료"));
            assertThat(console.findElement(By.id("venueResult")).getText()).contains("새로 38곳", "거부 2줄");
            assertThat(console.findElements(By.cssSelector("#venueErrors tbody tr")))
                    .extracting(r -> r.findElement(By.tagName("td")).getText())
                    .containsExactly("9", "32");
            assertThat(console.findElement(By.id("venueErrors")).getText()).contains("spaceship");
            assertThat(Axe.violations(console)).as("axe, venue upload").isEmpty();

            console.findElement(By.cssSelector("#tabs [data-tab='reports']")).click();
            console.findElement(By.id("reportFrom")).click();
            console.findElement(By.cssSelector("#reportForm button[type=submit]"))
                    .click();
            Chromium.await(console, () -> console.findElement(By.cssSelector("#reportTotals svg")));
            Chromium.await(console, () -> console.findElement(By.cssSelector("#reportPerDay svg")));
            assertThat(console.findElement(By.cssSelector("#reportPerDay svg")).getDomAttribute("aria-label"))
                    .contains("과태료 합계");
            assertThat(Axe.violations(console)).as("axe, district reports").isEmpty();
        } finally {
            console.quit();
        }
    }
}
