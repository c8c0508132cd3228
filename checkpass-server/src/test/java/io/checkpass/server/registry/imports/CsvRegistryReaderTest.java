package io.checkpass.server.registry.imports;

import static io.checkpass.server.registry.imports.Imports.csv;
import static io.checkpass.server.registry.imports.Imports.describe;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.ExemptionRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RecoveryRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvRegistryReaderTest {
    static final Path SAMPLE = Path.of("..", "examples", "registry-sample.csv");
    static final Path DOC = Path.of("..", "docs", "import.md");
    static final String HEADER =
            "kind,person_id,name,birth_date,phone,vaccine,dose,vaccinated_on,test,result,result_at,released_on,valid_from,valid_until,reason\n";

    private static ImportItem parsed(int line, RegistryRecord record) {
        return new ImportItem.Parsed(record, "line " + line);
    }

    private static ImmunizationRecord dose(String person, String date, VaccineProduct product, int dose) {
        return new ImmunizationRecord(person, LocalDate.parse(date), product, dose);
    }

    private static PersonRecord person(String id, String name, String birth, String phone) {
        return new PersonRecord(id, name, LocalDate.parse(birth), Optional.ofNullable(phone));
    }

    private static TestRecord test(String person, String at, TestRecord.Kind kind, boolean positive) {
        return new TestRecord(person, Instant.parse(at), kind, positive);
    }

    /** The sample, row by row: what each row must become. Its two bad rows are the ones docs/import.md explains. */
    static final List<ImportItem> SAMPLE_ITEMS = List.of(
            parsed(2, person("P0001", "김민준", "1985-03-14", "010-1234-0001")),
            parsed(3, dose("P0001", "2021-07-20", VaccineProduct.PFIZER, 1)),
            parsed(4, dose("P0001", "2021-08-17", VaccineProduct.PFIZER, 2)),
            parsed(5, person("P0002", "이서연", "1978-11-02", "010-1234-0002")),
            parsed(6, dose("P0002", "2021-06-01", VaccineProduct.PFIZER, 1)),
            parsed(7, dose("P0002", "2021-06-29", VaccineProduct.PFIZER, 2)),
            parsed(8, dose("P0002", "2021-12-10", VaccineProduct.MODERNA, 3)),
            parsed(9, person("P0003", "박지훈", "1990-05-23", null)),
            parsed(10, dose("P0003", "2021-06-10", VaccineProduct.JANSSEN, 1)),
            parsed(11, person("P0004", "최수아", "1995-09-30", "+82-10-1234-0004")),
            parsed(12, test("P0004", "2021-12-13T00:30:00Z", TestRecord.Kind.PCR, false)),
            parsed(13, person("P0005", "정우진", "1982-01-17", "010-1234-0005")),
            parsed(14, test("P0005", "2021-11-08T05:00:00Z", TestRecord.Kind.PCR, true)),
            parsed(15, new RecoveryRecord("P0005", LocalDate.parse("2021-11-20"))),
            parsed(16, person("P0006", "강하은", "1960-07-08", null)),
            parsed(17, dose("P0006", "2021-08-02", VaccineProduct.PFIZER, 1)),
            parsed(
                    18,
                    new ExemptionRecord(
                            "P0006",
                            LocalDate.parse("2021-12-01"),
                            LocalDate.parse("2022-06-30"),
                            "Anaphylaxis after dose 1 (\"grade 3\"), certified by Dr. Han, Seoul\nReissued after review")),
            parsed(20, person("P0007", "조현우", "2008-04-11", null)),
            parsed(21, person("P0008", "윤지민", "1999-12-25", "010-1234-0008")),
            parsed(22, dose("P0008", "2021-05-03", VaccineProduct.ASTRAZENECA, 1)),
            parsed(23, dose("P0008", "2021-07-26", VaccineProduct.ASTRAZENECA, 2)),
            parsed(24, person("P0009", "장민서", "1973-02-28", null)),
            new ImportItem.Rejected(
                    "line 25",
                    "column 'vaccine': unknown vaccine 'sinovac'; use pfizer, moderna, astrazeneca, janssen or novavax (or a CVX code)"),
            parsed(26, person("P0010", "임도윤", "1988-06-06", null)),
            parsed(27, test("P0010", "2021-12-13T23:15:00Z", TestRecord.Kind.RAPID_ANTIGEN, false)),
            new ImportItem.Rejected(
                    "line 28",
                    "column 'result_at': '2021-12-14 10:00' is not a date-time;"
                            + " write it with its offset, e.g. 2021-12-13T10:00:00+09:00 for 10:00 KST"),
            parsed(29, person("P0011", "Smith, Jane", "1992-03-03", "+44 7700 900123")),
            parsed(30, dose("P0011", "2021-09-01", VaccineProduct.MODERNA, 1)),
            parsed(31, dose("P0011", "2021-10-01", VaccineProduct.MODERNA, 2)),
            parsed(32, person("P0012", "오세훈", "1955-10-10", null)),
            parsed(33, dose("P0012", "2021-04-05", VaccineProduct.ASTRAZENECA, 1)),
            parsed(34, dose("P0012", "2021-06-21", VaccineProduct.ASTRAZENECA, 2)),
            parsed(35, dose("P0012", "2021-11-15", VaccineProduct.PFIZER, 3)));

    @Test
    void the_sample_file_parses_to_the_expected_records() throws Exception {
        var items = Imports.readAll(CsvRegistryReader.open(Files.newInputStream(SAMPLE)));
        assertThat(describe(items)).containsExactlyElementsOf(describe(SAMPLE_ITEMS));
        assertThat(items).isEqualTo(SAMPLE_ITEMS);
    }

    @Test
    void the_docs_quote_the_sample_rejections_as_the_reader_writes_them() throws Exception {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        for (ImportItem item : SAMPLE_ITEMS) {
            if (item instanceof ImportItem.Rejected r && !doc.contains(r.location() + ": " + r.problem())) {
                missing.add(r.location() + ": " + r.problem());
            }
        }
        assertThat(missing).isEmpty();
    }

    /** Each bad row, after a good one, with a part of the problem it must report. */
    static final Map<String, String> BAD_ROWS = Map.ofEntries(
            Map.entry(
                    "person,P1,Kim,1990-01-01,,,,,,,,,,",
                    "the row has 14 fields but the header has 15; quote any field that contains a comma"),
            Map.entry(
                    "vaccination,P1,,,,pfizer,1,2021-07-20,,,,,,,",
                    "column 'kind': 'vaccination' is not a kind; use person, immunization, test, recovery or exemption"),
            Map.entry(",P1,,,,pfizer,1,2021-07-20,,,,,,,", "column 'kind': is empty"),
            Map.entry(
                    "person,P1,Kim,1990-13-01,,,,,,,,,,,",
                    "column 'birth_date': '1990-13-01' is not a date; write YYYY-MM-DD"),
            Map.entry("person,P1,Kim,01/02/1990,,,,,,,,,,,", "column 'birth_date': '01/02/1990' is not a date"),
            Map.entry(
                    "person,P1,Kim,1990-01-01,phone me,,,,,,,,,,", "column 'phone': 'phone me' is not a phone number"),
            Map.entry("person,P1,,1990-01-01,,,,,,,,,,,", "column 'name' is empty; kind 'person' needs it"),
            Map.entry(
                    "person,P 1,Kim,1990-01-01,,,,,,,,,,,",
                    "column 'person_id': person id 'P 1' must be 1..64 letters"),
            Map.entry("immunization,P1,,,,sputnik,1,2021-07-20,,,,,,,", "column 'vaccine': unknown vaccine 'sputnik'"),
            Map.entry(
                    "immunization,P1,,,,999,1,2021-07-20,,,,,,,",
                    "column 'vaccine': CVX code 999 is not a COVID-19 vaccine checkpass knows"),
            Map.entry(
                    "immunization,P1,,,,pfizer,12,2021-07-20,,,,,,,", "column 'dose': dose number 12 is outside 1..9"),
            Map.entry("immunization,P1,,,,pfizer,0,2021-07-20,,,,,,,", "column 'dose': dose number 0 is outside 1..9"),
            Map.entry(
                    "immunization,P1,,,,pfizer,two,2021-07-20,,,,,,,",
                    "column 'dose': 'two' is not a dose number; write 1 for a first dose"),
            Map.entry(
                    "immunization,P1,Kim,,,pfizer,1,2021-07-20,,,,,,,",
                    "column 'name' is filled, but kind 'immunization' does not use it; clear it or correct the kind"),
            Map.entry(
                    "test,P1,,,,,,,pcr,neg,2021-12-13T10:00:00+09:00,,,,",
                    "column 'result': 'neg' must be positive or negative"),
            Map.entry(
                    "test,P1,,,,,,,lamp,negative,2021-12-13T10:00:00+09:00,,,,",
                    "column 'test': unknown test kind 'lamp'; use pcr or rapid_antigen"),
            Map.entry(
                    "test,P1,,,,,,,pcr,negative,2021-12-13T10:00:00,,,,",
                    "column 'result_at': '2021-12-13T10:00:00' has no UTC offset; write it with its offset"),
            Map.entry("test,P1,,,,,,,pcr,negative,,,,,", "column 'result_at' is empty; kind 'test' needs it"),
            Map.entry("recovery,P1,,,,,,,,,,2021-02-30,,,", "column 'released_on': '2021-02-30' is not a date"),
            Map.entry(
                    "exemption,P1,,,,,,,,,,,2022-01-01,2021-12-01,allergy",
                    "column 'valid_until': exemption ends 2021-12-01 before it starts 2022-01-01"),
            Map.entry(
                    "exemption,P1,,,,,,,,,,,2022-01-01,2022-06-01,",
                    "column 'reason' is empty; kind 'exemption' needs it"),
            Map.entry(
                    "exemption,P1,,,,,,,,,,,2022-01-01,2022-06-01," + "x".repeat(501),
                    "column 'reason' is 501 characters long; keep it to 500"));

    @Test
    void every_kind_of_bad_row_is_rejected_with_its_line_and_the_good_rows_still_come_through() {
        List<String> mismatches = new ArrayList<>();
        PersonRecord good = person("P0", "Kim", "1990-01-01", null);
        for (var bad : BAD_ROWS.entrySet()) {
            var items = csv(HEADER + "person,P0,Kim,1990-01-01,,,,,,,,,,,\n" + bad.getKey() + "\n"
                    + "person,P0,Kim,1990-01-01,,,,,,,,,,,\n");
            List<ImportItem> expectedAround = List.of(parsed(2, good), parsed(4, good));
            boolean ok = items.size() == 3
                    && items.get(0).equals(expectedAround.get(0))
                    && items.get(2).equals(expectedAround.get(1))
                    && items.get(1) instanceof ImportItem.Rejected r
                    && r.location().equals("line 3")
                    && r.problem().contains(bad.getValue());
            if (!ok) {
                mismatches.add(bad.getKey() + " -> " + describe(items));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void a_row_reports_all_its_problems_at_once() {
        var items = csv(HEADER + "immunization,P1,,,,sputnik,two,2021/07/20,,,,,,,\n");
        assertThat(items)
                .singleElement()
                .isInstanceOfSatisfying(
                        ImportItem.Rejected.class,
                        r -> assertThat(r.problem())
                                .contains("column 'vaccine'")
                                .contains("column 'dose'")
                                .contains("column 'vaccinated_on'"));
    }

    @Test
    void a_header_may_name_only_the_columns_it_uses_in_any_order_and_any_case() {
        var items = csv("Person_ID,KIND,released_on\nP1,recovery,2021-11-20\n");
        assertThat(items).containsExactly(parsed(2, new RecoveryRecord("P1", LocalDate.parse("2021-11-20"))));
    }

    @Test
    void a_row_needing_a_column_the_header_lacks_names_it() {
        var items = csv("kind,person_id,released_on\nimmunization,P1,\n");
        assertThat(describe(items))
                .singleElement()
                .asString()
                .contains("line 2 ! column 'vaccine' is not in the header; kind 'immunization' needs it");
    }

    @Test
    void an_unusable_header_rejects_every_row_and_says_why() {
        var items = csv("kind,person_id,vacine\nperson,P1,x\nperson,P2,y\n");
        assertThat(items)
                .hasSize(2)
                .allSatisfy(
                        i -> assertThat(i)
                                .isInstanceOfSatisfying(
                                        ImportItem.Rejected.class,
                                        r -> assertThat(r.problem())
                                                .startsWith(
                                                        "not read: the header on line 1 is unusable: unknown column 'vacine'; the columns are kind, person_id, name")));
        assertThat(items.get(1).location()).isEqualTo("line 3");
        assertThat(describe(csv("kind,name\nperson,x\n")).getFirst()).contains("column 'person_id' is missing");
        assertThat(describe(csv("kind,person_id,kind\nperson,x,y\n")).getFirst())
                .contains("column 'kind' appears twice");
    }

    @Test
    void a_bom_crlf_line_ends_and_quoted_fields_are_read_as_rfc_4180_says() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        String text = "kind,person_id,name,birth_date\r\n\"person\",P1,\"Lee, \"\"Sam\"\"\",1990-01-01\r\n";
        byte[] body = (new String(bom, StandardCharsets.ISO_8859_1) + "").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[body.length + text.getBytes(StandardCharsets.UTF_8).length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(text.getBytes(StandardCharsets.UTF_8), 0, all, body.length, all.length - body.length);
        var items = Imports.readAll(CsvRegistryReader.open(new ByteArrayInputStream(all)));
        assertThat(items).containsExactly(parsed(2, person("P1", "Lee, \"Sam\"", "1990-01-01", null)));
    }

    @Test
    void blank_rows_are_not_records_but_the_line_numbers_still_count_them() {
        var items = csv(HEADER + "\n,,,,,,,,,,,,,,\nrecovery,P1,,,,,,,,,,2021-11-20,,,\n,,,,,,,,,,,,,,\n");
        assertThat(items).containsExactly(parsed(4, new RecoveryRecord("P1", LocalDate.parse("2021-11-20"))));
    }

    @Test
    void bytes_that_are_not_utf_8_are_a_rejected_row_that_says_how_to_save_the_file() {
        byte[] head = "kind,person_id,name,birth_date\nperson,P1,".getBytes(StandardCharsets.UTF_8);
        byte[] cp949Name = {(byte) 0xB1, (byte) 0xE8};
        byte[] tail = ",1990-01-01\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + cp949Name.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(cp949Name, 0, all, head.length, cp949Name.length);
        System.arraycopy(tail, 0, all, head.length + cp949Name.length, tail.length);
        var items = Imports.readAll(CsvRegistryReader.open(new ByteArrayInputStream(all)));
        assertThat(items)
                .containsExactly(new ImportItem.Rejected(
                        "line 2", "the row is not valid UTF-8; save the file as \"CSV UTF-8\""));
    }

    @Test
    void broken_quoting_ends_the_read_with_one_item_that_says_from_where() {
        var items = csv(
                HEADER
                        + "recovery,P1,,,,,,,,,,2021-11-20,,,\nperson,P2,\"Kim\"x,1990-01-01,,,,,,,,,,,\nrecovery,P3,,,,,,,,,,2021-11-20,,,\n");
        assertThat(items).hasSize(2);
        assertThat(items.get(0)).isEqualTo(parsed(2, new RecoveryRecord("P1", LocalDate.parse("2021-11-20"))));
        assertThat(items.get(1)).isInstanceOfSatisfying(ImportItem.Rejected.class, r -> {
            assertThat(r.location()).isEqualTo("line 3");
            assertThat(r.problem())
                    .contains("Unexpected character after closing quote")
                    .endsWith("the rest of the file was not read");
        });
    }

    @Test
    void an_unclosed_quote_that_swallows_rows_is_rejected_with_the_lines_it_spans() {
        var items = csv(HEADER + "person,P1,\"Kim,1990-01-01,,,,,,,,,,,\nrecovery,P3,,,,,,,,,,2021-11-20,,,\n");
        assertThat(describe(items))
                .singleElement()
                .asString()
                .startsWith("line 2 ! the row has 3 fields")
                .contains("the row spans lines 2–4");
    }

    @Test
    void bytes_read_reaches_the_file_size() throws Exception {
        byte[] file = Files.readAllBytes(SAMPLE);
        try (var reader = CsvRegistryReader.open(new ByteArrayInputStream(file))) {
            assertThat(reader.bytesRead()).isZero();
            reader.forEachRemaining(item -> {});
            assertThat(reader.bytesRead()).isEqualTo(file.length);
        }
    }

    @Test
    void two_hundred_thousand_rows_stream_through_a_window_of_a_few_hundred() throws Exception {
        int rows = 200_000;
        var input = new GeneratedInput(
                HEADER,
                i -> i % 2 == 0
                        ? "person,P" + i + ",Kim " + i + ",1990-01-01,,,,,,,,,,,\n"
                        : "immunization,P" + (i - 1) + ",,,,pfizer,1,2021-07-20,,,,,,,\n",
                rows,
                "");
        long count = 0;
        long rejected = 0;
        long widest = 0;
        try (var reader = CsvRegistryReader.open(input)) {
            while (reader.hasNext()) {
                if (reader.next() instanceof ImportItem.Rejected) {
                    rejected++;
                }
                count++;
                widest = Math.max(widest, input.unitsMade() - count);
            }
        }
        assertThat(count).isEqualTo(rows);
        assertThat(rejected).isZero();
        // FastCSV reads 8 K characters ahead, about 170 rows of these: far from holding the file.
        assertThat(widest).isLessThan(1_000);
    }
}
