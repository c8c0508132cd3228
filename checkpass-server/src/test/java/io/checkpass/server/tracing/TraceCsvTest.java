package io.checkpass.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.tracing.TraceRequest.Subject;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import io.checkpass.server.tracing.TraceResult.Resolution;
import io.checkpass.server.visits.CheckIn.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CSV form of a trace, and the checks on a request and on the tracer's default dwell, without a database. */
class TraceCsvTest {
    static final Instant NOON = Instant.parse("2021-12-13T03:00:00Z");

    static TraceResult resultWith(String name, String venueName) {
        TraceRequest request = new TraceRequest(
                "tracer",
                "case, \"7\"",
                "reason",
                new Subject.Person(new PersonId("P1")),
                NOON.minusSeconds(3600),
                NOON.plusSeconds(3600),
                OptionalInt.empty());
        Encounter encounter = new Encounter(
                "cafe-a",
                Optional.of(venueName),
                UUID.randomUUID(),
                NOON,
                UUID.randomUUID(),
                NOON.plusSeconds(30),
                Channel.MANUAL,
                Optional.of("ADMIT"),
                Duration.ofSeconds(3570));
        Contact contact = new Contact(
                "contact:0011223344556677",
                Resolution.CONTACT,
                Optional.empty(),
                Optional.of(name),
                Optional.of("01012345678"),
                List.of(encounter));
        return new TraceResult(UUID.randomUUID(), NOON, request, Duration.ofMinutes(60), List.of(), List.of(contact));
    }

    static List<List<String>> parse(String csv) {
        List<List<String>> records = new ArrayList<>();
        CsvReader.builder().ofCsvRecord(csv).forEach((CsvRecord r) -> records.add(r.getFields()));
        return records;
    }

    @Test
    void fields_with_commas_quotes_and_line_breaks_round_trip_through_an_rfc_4180_reader() {
        List<List<String>> records = parse(TraceCsv.write(resultWith("Lee, \"Sam\"\n2nd line", "카페 \"에이\"")));

        assertThat(records).hasSize(2);
        assertThat(records.get(1))
                .containsExactly(
                        "case, \"7\"",
                        "contact:0011223344556677",
                        "contact",
                        "",
                        "Lee, \"Sam\"\n2nd line",
                        "01012345678",
                        "cafe-a",
                        "카페 \"에이\"",
                        "2021-12-13T03:00:00Z",
                        "2021-12-13T03:00:30Z",
                        "MANUAL",
                        "ADMIT",
                        "59.50");
    }

    @Test
    void a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text() {
        List<String> mismatches = new ArrayList<>();
        for (String formula : List.of("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1")) {
            String name =
                    parse(TraceCsv.write(resultWith(formula, "venue"))).get(1).get(4);
            if (!name.equals("'" + formula)) {
                mismatches.add(formula + " → " + name);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(parse(TraceCsv.write(resultWith("홍길동", "venue"))).get(1).get(4))
                .isEqualTo("홍길동");
    }

    @Test
    void a_request_refuses_control_characters_in_the_case_id_and_a_window_beyond_the_retention() {
        assertThatThrownBy(() -> new TraceRequest(
                        "t",
                        "case\n1",
                        "r",
                        new Subject.Person(new PersonId("P1")),
                        NOON,
                        NOON.plusSeconds(1),
                        OptionalInt.empty()))
                .hasMessageContaining("control characters");
        assertThatThrownBy(() -> new TraceRequest(
                        "t",
                        "case",
                        "r",
                        new Subject.Person(new PersonId("P1")),
                        NOON,
                        NOON.plus(Duration.ofDays(28)).plusSeconds(1),
                        OptionalInt.empty()))
                .hasMessageContaining("at most 28 days");
        assertThat(new TraceRequest(
                        "t",
                        " case ",
                        "r",
                        new Subject.Phone(PhoneNumber.parse("+82 10-1234-5678").orElseThrow()),
                        NOON,
                        NOON.plusSeconds(1),
                        OptionalInt.of(720)))
                .satisfies(r -> {
                    assertThat(r.caseId()).isEqualTo("case");
                    assertThat(((Subject.Phone) r.subject()).number().digits()).isEqualTo("01012345678");
                });
    }

    @Test
    void the_default_dwell_must_be_whole_minutes_from_1_to_720() {
        for (Duration bad :
                List.of(Duration.ZERO, Duration.ofSeconds(90), Duration.ofMinutes(721), Duration.ofMinutes(-5))) {
            assertThatThrownBy(() -> new Tracer(null, null, null, null, null, bad))
                    .as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new Tracer(null, null, null, null, null, Duration.ofHours(12)))
                .isNotNull();
    }
}
