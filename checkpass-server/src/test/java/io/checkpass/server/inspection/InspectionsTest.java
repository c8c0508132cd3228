package io.checkpass.server.inspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.Role;
import io.checkpass.server.compliance.VenueCompliance;
import io.checkpass.server.inspection.InspectionService.NewInspection;
import io.checkpass.server.inspection.InspectionService.UserViolation;
import io.checkpass.server.inspection.InspectorScopes.Scope;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inspections against a running centre: venues imported from a CSV with bad lines, inspectors held to their
 * district, a repeat violation escalating per the schedule, and a void suggested (and recorded) when the centre was
 * degraded at the time.
 */
class InspectionsTest {
    static final Instant LUNCH = Instant.parse("2021-12-13T03:30:00Z"); // 12:30 KST, the day fines began for all

    static final String VENUES = """
            venue_id,business_number,name,address,region,district_code,district_name,venue_type,operator_name,operator_phone,call_number
            jongno-gukbap,123-45-67890,종로 국밥,서울 종로구 종로 1,서울,11110,종로구,restaurant_cafe,김운영,010-1234-5678,080-111-2222
            jung-karaoke,1234567891,을지로 노래방,"서울 중구 을지로 2, 지하",서울,11140,중구,karaoke,박운영,02-123-4567,
            Bad Id,123-45-6789,,서울,서울,1111,종로구,spaceship,이운영,12,
            jongno-gukbap,123-45-67890,종로 국밥 (다시),서울 종로구 종로 1,서울,11110,종로구,restaurant_cafe,김운영,010-1234-5678,
            jongno-cafe,123-45-67892,종로 카페,서울 종로구 종로 3,서울,11110,종로구,restaurant_cafe,최운영,010-2222-3333,080-111-2222
            jongno-pc,123-45-67893,종로 PC방,서울 종로구 종로 5,서울,11110,종로구,restaurant_cafe,정운영,010-3333-4444,
            """;

    static MutableClock clock;
    static TestCentre centre;
    static Inspections inspections;

    @BeforeAll
    static void start() {
        clock = new MutableClock(LUNCH);
        centre = new TestCentre(clock, Map.of());
        centre.client("admin-insp", Role.ISSUER_ADMIN);
        var services = centre.server.centre();
        inspections = services.inspections();
        services.registry()
                .upsert(List.of(
                        new PersonRecord("P-INSP-1", "홍길동", LocalDate.of(1990, 3, 1), Optional.empty()),
                        new PersonRecord("P-INSP-2", "김영희", LocalDate.of(1985, 7, 9), Optional.empty())));
        HttpResponse<String> imported = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/venues/import?name=venues.csv"))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(VENUES, StandardCharsets.UTF_8)),
                "admin-insp");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        var jongno =
                inspections.scopes().create("admin-insp", "inspector-jongno", "종로구 단속", new District("11110", "종로구"));
        centre.adopt("inspector-jongno", jongno.secret());
        centre.client("inspector-nowhere", Role.INSPECTOR);
    }

    @AfterAll
    static void stop() {
        if (centre != null) {
            centre.close();
        }
    }

    @Test
    void the_venue_csv_keeps_good_lines_and_reports_each_bad_one_by_line_in_korean_and_english() {
        // The setup imported VENUES over HTTP; importing it again changes nothing and reports the same lines.
        var result = inspections
                .venueImport()
                .run(
                        "test",
                        "again",
                        new ByteArrayInputStream(VENUES.getBytes(StandardCharsets.UTF_8)),
                        Set.of("restaurant_cafe", "karaoke"),
                        1,
                        (bytes, rows) -> {},
                        r -> {});
        assertThat(result.inserted()).isZero();
        assertThat(result.updated()).isZero();
        assertThat(result.unchanged()).isEqualTo(3);
        assertThat(result.rejected()).extracting(VenueCsvReader.Rejected::line).containsExactly(4L, 5L, 6L);
        var bad = result.rejected().getFirst().problem();
        assertThat(bad.en())
                .contains("column 'venue_id'", "column 'business_number'", "column 'name' is empty")
                .contains("column 'district_code'", "column 'venue_type': 'spaceship'", "column 'operator_phone'");
        assertThat(bad.ko()).contains("사업자등록번호", "시·군·구 코드", "규칙에 없는 시설 유형");
        assertThat(result.rejected().get(1).problem().en()).contains("venue id 'jongno-gukbap' is already on line 2");
        assertThat(result.rejected().get(2).problem().en()).contains("call number 0801112222 is already on line 2");

        RegisteredVenue gukbap = new VenueDirectory(
                        centre.server.centre().database().identity())
                .find("jongno-gukbap")
                .orElseThrow();
        assertThat(gukbap.name()).isEqualTo("종로 국밥");
        assertThat(gukbap.district()).contains(new District("11110", "종로구"));
        assertThat(gukbap.operatorPhone()).contains("01012345678");
        assertThat(gukbap.callNumber()).contains("0801112222");
        assertThat(new VenueDirectory(centre.server.centre().database().identity()).find("jung-karaoke"))
                .hasValueSatisfying(v -> assertThat(v.address()).isEqualTo("서울 중구 을지로 2, 지하"));
    }

    @Test
    void an_inspector_acts_only_within_their_district() {
        assertThat(centre.get("/api/v1/inspections/venues/jongno-gukbap/door?hours=3", "inspector-jongno")
                        .statusCode())
                .isEqualTo(200);
        JsonNode door = TestCentre.json(
                centre.get("/api/v1/inspections/venues/jongno-gukbap/door?hours=3", "inspector-jongno"));
        // The composition root bridges inspections to the door log (ComplianceService): a real, empty summary.
        assertThat(door.path("doorLog").asText()).isEqualTo("available");
        assertThat(door.path("summary").path("registeredVenueType").asText()).isNotEmpty();
        assertThat(door.path("summary").path("denials").asLong()).isZero();

        HttpResponse<String> elsewhere = centre.get("/api/v1/inspections/venues/jung-karaoke/door", "inspector-jongno");
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(TestCentre.json(elsewhere).path("type").asText()).endsWith("/out-of-district");
        HttpResponse<String> record = centre.post(
                "/api/v1/inspections",
                "inspector-jongno",
                "{\"venueId\":\"jung-karaoke\",\"findings\":[],\"operatorViolation\":true}");
        assertThat(record.statusCode()).isEqualTo(403);
        assertThat(centre.get(
                                "/api/v1/reports/districts?from=2021-12-13&to=2021-12-13&district=11140",
                                "inspector-jongno")
                        .statusCode())
                .isEqualTo(403);
        // A search finds the district's venues only.
        JsonNode found =
                TestCentre.json(centre.get("/api/v1/inspections/venues?q=%EC%A2%85%EB%A1%9C", "inspector-jongno"));
        assertThat(found.path("venues").findValuesAsText("venueId")).containsOnly("jongno-gukbap", "jongno-pc");
        JsonNode all =
                TestCentre.json(centre.get("/api/v1/inspections/venues?q=%EB%85%B8%EB%9E%98", "inspector-jongno"));
        assertThat(all.path("venues")).isEmpty();

        HttpResponse<String> nowhere = centre.get("/api/v1/inspections/schedule", "inspector-nowhere");
        assertThat(nowhere.statusCode()).isEqualTo(403);
        assertThat(TestCentre.json(nowhere).path("type").asText()).endsWith("/no-district");
        assertThat(centre.get("/api/v1/inspections/venues/jung-karaoke/door", "admin-insp")
                        .statusCode())
                .as("an issuer-admin sees every district")
                .isEqualTo(200);
    }

    @Test
    void a_repeat_violation_escalates_per_the_schedule_and_a_voided_one_does_not_count() {
        clock.set(LUNCH.plus(Duration.ofDays(1)));
        List<JsonNode> operator = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = centre.post(
                    "/api/v1/inspections",
                    "inspector-jongno",
                    "{\"venueId\":\"jongno-pc\",\"findings\":[\"NO_PASS_CHECK\"],\"operatorViolation\":true,"
                            + "\"userViolations\":[{\"personId\":\"P-INSP-1\",\"idDocument\":\"resident-card\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode violations = TestCentre.json(r).path("violations");
            assertThat(violations.get(0).path("kind").asText()).isEqualTo("user");
            assertThat(violations.get(0).path("fineKrw").asLong()).isEqualTo(100_000);
            assertThat(violations.get(0).path("repeatNumber").asInt()).isEqualTo(i + 1);
            operator.add(violations.get(1));
            clock.advance(Duration.ofDays(7));
        }
        assertThat(operator)
                .extracting(v -> v.path("fineKrw").asLong())
                .containsExactly(1_500_000L, 3_000_000L, 3_000_000L, 3_000_000L);
        assertThat(operator)
                .extracting(v -> v.path("order").path("code").asText())
                .containsExactly("suspend-10d", "suspend-20d", "suspend-3m", "closure");
        assertThat(operator.getFirst().path("order").path("ko").asText()).isEqualTo("운영중단 10일");
        assertThat(operator).allSatisfy(v -> assertThat(v.has("voidSuggested")).isFalse());

        // Voiding the fourth leaves three that count: the next is a fourth again, not a fifth.
        String fourth = operator.get(3).path("violationId").asText();
        assertThat(centre.post("/api/v1/violations/" + fourth + "/void", "admin-insp", "{\"reason\":\"이의신청 인용\"}")
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> next = centre.post(
                "/api/v1/inspections", "inspector-jongno", "{\"venueId\":\"jongno-pc\",\"operatorViolation\":true}");
        assertThat(TestCentre.json(next)
                        .path("violations")
                        .get(0)
                        .path("repeatNumber")
                        .asInt())
                .isEqualTo(4);

        // A year and more later the count starts again.
        clock.advance(Duration.ofDays(400));
        HttpResponse<String> later = centre.post(
                "/api/v1/inspections", "inspector-jongno", "{\"venueId\":\"jongno-pc\",\"operatorViolation\":true}");
        JsonNode first = TestCentre.json(later).path("violations").get(0);
        assertThat(first.path("repeatNumber").asInt()).isEqualTo(1);
        assertThat(first.path("fineKrw").asLong()).isEqualTo(1_500_000);

        // The district's report counts them; CSV has the same figures.
        String csv = centre.get("/api/v1/reports/districts.csv?from=2021-12-13&to=2022-12-13", "inspector-jongno")
                .body();
        assertThat(csv.lines().findFirst()).contains(String.join(",", DistrictReports.COLUMNS));
        assertThat(csv).contains("11110,종로구,2021-12-14,1,1,1,2,1600000,0,0");
        assertThat(csv).contains("11110,종로구,2022-01-04,1,1,1,1,100000,1,0");
    }

    @Test
    void a_fine_during_a_centre_outage_is_suggested_for_voiding_and_the_void_is_recorded() {
        clock.set(LUNCH.plus(Duration.ofDays(3)));
        var services = centre.server.centre();
        DoorEvidence outage = new DoorEvidence() {
            @Override
            public Optional<VenueCompliance> summary(String venueId, Instant from, Instant to) {
                return Optional.empty();
            }

            @Override
            public boolean centreDegradedDuring(Instant from, Instant to) {
                // degraded from 11:40 to 12:10 KST, as on 13 Dec 2021
                Instant start = clock.instant().minus(Duration.ofMinutes(50));
                Instant end = clock.instant().minus(Duration.ofMinutes(20));
                return from.isBefore(end) && to.isAfter(start);
            }
        };
        var service = new InspectionService(
                services.database().identity(),
                services.registry(),
                new VenueDirectory(services.database().identity()),
                SanctionSchedule.packaged(),
                outage,
                services.audit(),
                clock,
                Inspections.DOOR_WINDOW);
        Scope jongno = Scope.of("inspector-jongno", new District("11110", "종로구"));
        var recorded = service.record(
                jongno,
                new NewInspection(
                        "jongno-gukbap",
                        Set.of("ADMITTED_WITHOUT_PASS"),
                        "점심시간 적발",
                        List.of(new UserViolation(PersonId.parse("P-INSP-2"), "driver-licence")),
                        false));
        assertThat(recorded.centreDegraded()).isTrue();
        Violation fine = recorded.violations().getFirst();
        assertThat(fine.voidSuggested()).contains(Violation.CENTRE_DEGRADED_TEXT);
        assertThat(fine.voided()).isEmpty();

        // The suggestion shows in the API too, and an issuer-admin (or the inspector) voids with its reason.
        JsonNode shown = TestCentre.json(centre.get("/api/v1/violations/" + fine.violationId(), "inspector-jongno"));
        assertThat(shown.path("voidSuggested").path("code").asText()).isEqualTo("CENTRE_DEGRADED");
        Violation voided = service.voidFine(jongno, fine.violationId(), "센터 장애 (centre degraded)");
        assertThat(voided.voided()).hasValueSatisfying(v -> {
            assertThat(v.by()).isEqualTo("inspector-jongno");
            assertThat(v.reason()).isEqualTo("센터 장애 (centre degraded)");
        });
        assertThatThrownBy(() -> service.voidFine(jongno, fine.violationId(), "again"))
                .isInstanceOfSatisfying(
                        Refused.class, r -> assertThat(r.refusal()).isInstanceOf(Refusal.AlreadyVoided.class));
        List<AuditLog.Entry> audit = services.audit()
                .read(clock.instant().minusSeconds(60), clock.instant().plusSeconds(60), 10);
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("fine-void");
            assertThat(e.subject()).isEqualTo("violation:" + fine.violationId());
            assertThat(e.detail()).containsEntry("suggested", true);
        });
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("violation");
            assertThat(e.subject()).isEqualTo("person:P-INSP-2");
        });
    }

    @Test
    void an_issuer_admin_assigns_a_district_and_the_inspector_then_reads_its_report_and_persons() {
        centre.client("inspector-moved", Role.INSPECTOR);
        assertThat(centre.get("/api/v1/inspections/schedule", "inspector-moved").statusCode())
                .isEqualTo(403);
        HttpResponse<String> refused = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/inspectors/admin-insp/district"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"code\":\"11140\",\"name\":\"중구\"}")),
                "admin-insp");
        assertThat(refused.statusCode()).as("only an inspector has a district").isEqualTo(422);
        HttpResponse<String> assigned = centre.send(
                HttpRequest.newBuilder(centre.uri("/api/v1/inspectors/inspector-moved/district"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"code\":\"11140\",\"name\":\"중구\"}")),
                "admin-insp");
        assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(200);
        JsonNode schedule = TestCentre.json(centre.get("/api/v1/inspections/schedule", "inspector-moved"));
        assertThat(schedule.path("district").path("code").asText()).isEqualTo("11140");
        assertThat(schedule.path("userFines").get(0).asLong()).isEqualTo(100_000);
        assertThat(schedule.path("operatorFines").toString()).isEqualTo("[1500000,3000000]");
        assertThat(centre.get("/api/v1/inspections/venues/jung-karaoke/door", "inspector-moved")
                        .statusCode())
                .isEqualTo(200);
        JsonNode report = TestCentre.json(
                centre.get("/api/v1/reports/districts?from=2021-12-01&to=2021-12-31", "inspector-moved"));
        assertThat(report.path("rows").findValuesAsText("districtCode")).allMatch("11140"::equals);
        JsonNode person = TestCentre.json(centre.get("/api/v1/inspections/persons/P-INSP-1", "inspector-moved"));
        assertThat(person.path("name").asText()).isEqualTo("홍길동");
        assertThat(centre.get("/api/v1/inspections/persons/NOBODY", "inspector-moved")
                        .statusCode())
                .isEqualTo(404);
    }
}
