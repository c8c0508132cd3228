package io.checkpass.server.registry.imports;

import static io.checkpass.server.registry.imports.Imports.describe;
import static io.checkpass.server.registry.imports.Imports.fhir;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FhirRegistryReaderTest {
    static final Path SAMPLE = Path.of("..", "examples", "registry-sample-fhir.json");
    static final ObjectMapper JSON = new ObjectMapper();

    private static ImportItem parsed(String location, RegistryRecord record) {
        return new ImportItem.Parsed(record, location);
    }

    private static PersonRecord person(String id, String name, String birth, String phone) {
        return new PersonRecord(id, name, LocalDate.parse(birth), Optional.ofNullable(phone));
    }

    private static ImmunizationRecord dose(String person, String date, VaccineProduct product, int dose) {
        return new ImmunizationRecord(person, LocalDate.parse(date), product, dose);
    }

    /**
     * The sample Bundle in the order the reader yields it: the PCR Observation refers to Patient p4 further down and
     * waits for it, so it comes right after that Patient.
     */
    static final List<ImportItem> SAMPLE_ITEMS = List.of(
            parsed("Patient at entry 1, line 5", person("P0001", "김민준", "1985-03-14", "010-1234-0001")),
            parsed("Immunization at entry 2, line 18", dose("P0001", "2021-07-20", VaccineProduct.PFIZER, 1)),
            parsed("Immunization at entry 3, line 30", dose("P0001", "2021-08-17", VaccineProduct.PFIZER, 2)),
            parsed("Patient/p4", person("P0004", "최수아", "1995-09-30", "+82-10-1234-0004")),
            parsed(
                    "Observation/obs-pcr-p0004",
                    new TestRecord("P0004", Instant.parse("2021-12-13T00:30:00Z"), TestRecord.Kind.PCR, false)),
            parsed("Immunization/imm-p0003-1", dose("P0003", "2021-06-10", VaccineProduct.JANSSEN, 1)),
            parsed(
                    "Observation/obs-rat-p0010",
                    new TestRecord(
                            "P0010", Instant.parse("2021-12-13T23:15:00Z"), TestRecord.Kind.RAPID_ANTIGEN, true)),
            parsed("Patient/P0007", person("P0007", "조현우", "2008-04-11", null)),
            parsed("Immunization/imm-p0007-1", dose("P0007", "2021-11-20", VaccineProduct.PFIZER, 1)));

    @Test
    void the_sample_bundle_parses_to_the_expected_records() throws Exception {
        var items = Imports.readAll(FhirRegistryReader.open(SharedFhir.MAPPER, Files.newInputStream(SAMPLE)));
        assertThat(describe(items)).containsExactlyElementsOf(describe(SAMPLE_ITEMS));
    }

    @Test
    void the_sample_as_one_bundle_per_ndjson_line_gives_the_same_records() throws Exception {
        String oneLine = JSON.readTree(SAMPLE.toFile()).toString();
        var items = fhir(oneLine + "\n");
        assertThat(records(items)).isEqualTo(records(SAMPLE_ITEMS));
        assertThat(items.get(1).location()).isEqualTo("Immunization at line 1, entry 2");
    }

    @Test
    void the_sample_as_one_resource_per_ndjson_line_gives_the_same_records() throws Exception {
        JsonNode bundle = JSON.readTree(SAMPLE.toFile());
        // As a Bulk Data export concatenated Patient first: urn:uuid references become Patient/<id>, with ids given.
        List<String> patients = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (JsonNode entry : bundle.get("entry")) {
            String resource = entry.get("resource")
                    .toString()
                    .replace(
                            "\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"https://checkpass.io/fhir/sid/person-id\",\"value\":\"P0001\"}]",
                            "\"resourceType\":\"Patient\",\"id\":\"x1\",\"identifier\":[{\"value\":\"P0001\"}]")
                    .replace("urn:uuid:0b6a3f1e-5c52-4d3e-9d7a-2f1f6c1a0001", "Patient/x1");
            (resource.startsWith("{\"resourceType\":\"Patient\"") ? patients : others).add(resource);
        }
        var items = fhir(String.join("\n", patients) + "\n" + String.join("\n", others) + "\n");
        assertThat(records(items)).containsExactlyInAnyOrderElementsOf(records(SAMPLE_ITEMS));
        assertThat(items).allSatisfy(i -> assertThat(i).isInstanceOf(ImportItem.Parsed.class));
        assertThat(items.get(3).location()).isEqualTo("Immunization at line 4");
    }

    private static List<RegistryRecord> records(List<ImportItem> items) {
        return items.stream().map(i -> ((ImportItem.Parsed) i).record()).toList();
    }

    private static final String PATIENT = """
            {"resourceType":"Patient","id":"p1","identifier":[{"value":"P1"}],"name":[{"text":"Kim"}],"birthDate":"1990-01-01"}""";

    private static String immunization(
            String id, String patientRef, String cvx, String status, String occurrence, String dose) {
        return """
                {"resourceType":"Immunization","id":"%s","status":"%s","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"%s"}]},\
                "patient":{"reference":"%s"},"occurrenceDateTime":"%s","protocolApplied":[{"doseNumberPositiveInt":%s}]}""".formatted(id, status, cvx, patientRef, occurrence, dose);
    }

    private static String observation(String id, String loinc, String snomed, String time) {
        return """
                {"resourceType":"Observation","id":"%s","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},\
                "subject":{"reference":"Patient/p1"},%s,"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"%s"}]}}""".formatted(id, loinc, time, snomed);
    }

    private static String bundle(String type, String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    private static String entry(String resource) {
        return "{\"resource\":" + resource + "}";
    }

    /** Bad resources by id, with a part of the problem each must report. */
    static final Map<String, String> BAD_RESOURCES = Map.ofEntries(
            Map.entry(
                    immunization("not-done", "Patient/p1", "208", "not-done", "2021-07-20", "1"),
                    "Immunization.status is 'not-done'; only completed doses are imported"),
            Map.entry(
                    immunization("flu", "Patient/p1", "141", "completed", "2021-07-20", "1"),
                    "Immunization.vaccineCode CVX 141 is not a COVID-19 vaccine checkpass knows"),
            Map.entry(
                    immunization("month", "Patient/p1", "208", "completed", "2021-07", "1"),
                    "Immunization.occurrenceDateTime '2021-07' is not a full date"),
            Map.entry(
                    immunization("dose-0", "Patient/p1", "208", "completed", "2021-07-20", "12"),
                    "dose number 12 is outside 1..9"),
            Map.entry(
                    immunization(
                            "no-patient-entry",
                            "urn:uuid:4f1c0000-0000-0000-0000-000000000000",
                            "208",
                            "completed",
                            "2021-07-20",
                            "1"),
                    "the patient reference 'urn:uuid:4f1c0000-0000-0000-0000-000000000000' names no Patient read in this Bundle; put the Patient in the same Bundle"),
            Map.entry(
                    immunization("group", "Group/g1", "208", "completed", "2021-07-20", "1"),
                    "the patient reference 'Group/g1' names no Patient read in this Bundle"),
            Map.entry("""
                    {"resourceType":"Immunization","id":"no-dose","status":"completed","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"208"}]},\
                    "patient":{"reference":"Patient/p1"},"occurrenceDateTime":"2021-07-20"}""", "Immunization.protocolApplied.doseNumber is missing"),
            Map.entry(
                    """
                    {"resourceType":"Immunization","id":"typo","status":"completed","vacineCode":{}}""", "not valid FHIR R4 Immunization: HAPI-1825: Unknown element 'vacineCode' found during parse"),
            Map.entry(
                    observation("glucose", "2345-7", "260415000", "\"issued\":\"2021-12-13T10:00:00+09:00\""),
                    "Observation.code LOINC 2345-7 is not a SARS-CoV-2 PCR or antigen test"),
            Map.entry(
                    observation("inconclusive", "94500-6", "419984006", "\"issued\":\"2021-12-13T10:00:00+09:00\""),
                    "SNOMED CT 419984006 is neither detected nor not detected"),
            Map.entry(
                    observation("day-only", "94500-6", "260415000", "\"effectiveDateTime\":\"2021-12-13\""),
                    "Observation.effectiveDateTime '2021-12-13' has no time of day"),
            Map.entry(
                    observation("no-time", "94500-6", "260415000", "\"language\":\"ko\""),
                    "Observation has neither issued nor effectiveDateTime"),
            Map.entry("""
                    {"resourceType":"Patient","id":"anonymous","name":[{"text":"Kim"}],"birthDate":"1990-01-01"}""", "Patient.identifier has no value"),
            Map.entry("""
                    {"resourceType":"Patient","id":"year-only","identifier":[{"value":"P9"}],"name":[{"text":"Kim"}],"birthDate":"1990"}""", "Patient.birthDate '1990' is not a full date"),
            Map.entry("""
                    {"resourceType":"Patient","id":"bad-id","identifier":[{"value":"P 9"}],"name":[{"text":"Kim"}],"birthDate":"1990-01-01"}""", "person id 'P 9' must be 1..64 letters"),
            Map.entry(
                    """
                    {"resourceType":"Condition","id":"covid"}""",
                    "unsupported resource type Condition; checkpass imports Patient, Immunization and Observation"),
            Map.entry("""
                    {"resourceType":"Bundle","id":"inner","type":"collection"}""", "a Bundle inside a Bundle is not read"));

    @Test
    void every_kind_of_bad_resource_is_rejected_by_its_id_and_the_good_ones_still_come_through() {
        List<String> mismatches = new ArrayList<>();
        String good = immunization("good", "Patient/p1", "208", "completed", "2021-07-20", "1");
        for (var bad : BAD_RESOURCES.entrySet()) {
            String id = readId(bad.getKey());
            var items = fhir(bundle("collection", entry(PATIENT), entry(bad.getKey()), entry(good)));
            var rejected =
                    items.stream().filter(i -> i instanceof ImportItem.Rejected).toList();
            boolean ok = items.size() == 3
                    && items.contains(parsed("Patient/p1", person("P1", "Kim", "1990-01-01", null)))
                    && items.contains(parsed("Immunization/good", dose("P1", "2021-07-20", VaccineProduct.PFIZER, 1)))
                    && rejected.size() == 1
                    && rejected.getFirst().location().endsWith("/" + id)
                    && ((ImportItem.Rejected) rejected.getFirst()).problem().contains(bad.getValue());
            if (!ok) {
                mismatches.add(id + " -> " + describe(items));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static String readId(String json) {
        try {
            return JSON.readTree(json).get("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void entries_without_a_usable_resource_are_reported_by_position() {
        var items = fhir(bundle(
                "transaction",
                "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/p1\"}}",
                "{\"fullUrl\":\"urn:uuid:x\"}",
                "\"text\"",
                entry("{\"id\":\"x\"}"),
                entry("{\"resourceType\":\"Immunization\"}")));
        assertThat(describe(items))
                .containsExactly(
                        "line 1, entry 1 ! a DELETE request is not imported; the registry is corrected by importing the right record",
                        "line 1, entry 2 ! the entry has no resource",
                        "line 1, entry 3 ! the entry is not a JSON object",
                        "line 1, entry 4 ! the resource has no resourceType",
                        "Immunization at line 1, entry 5 ! Immunization.status is missing; only completed doses are imported;"
                                + " Immunization.vaccineCode has no CVX coding; send system http://hl7.org/fhir/sid/cvx with the product's code, e.g. 208 for Pfizer;"
                                + " Immunization.occurrenceDateTime is missing; send the day of the dose as YYYY-MM-DD;"
                                + " Immunization.protocolApplied.doseNumber is missing; send doseNumberPositiveInt, 1 for a first dose;"
                                + " Immunization.patient is missing; send a reference to the Patient (Patient/<id> or the Patient entry's fullUrl) or an identifier with the person id");
    }

    @Test
    void a_bundle_of_another_type_has_each_entry_rejected() {
        var items = fhir(bundle("searchset", entry(PATIENT), entry("{\"resourceType\":\"Observation\"}")));
        assertThat(describe(items))
                .containsExactly(
                        "Patient/p1 ! the Bundle is of type 'searchset'; send a collection, transaction or batch Bundle",
                        "Observation at line 1, entry 2 ! the Bundle is of type 'searchset'; send a collection, transaction or batch Bundle");
    }

    @Test
    void a_reference_to_a_patient_further_down_the_bundle_waits_for_it() {
        var items = fhir(bundle(
                "transaction",
                entry(immunization(
                        "i1",
                        "urn:uuid:5e0e0000-0000-0000-0000-000000000001",
                        "208",
                        "completed",
                        "2021-07-20T23:30:00+09:00",
                        "1")),
                entry(immunization(
                        "i2", "http://fhir.example.kr/Patient/p1", "208", "completed", "2021-08-17T01:00:00Z", "2")),
                "{\"fullUrl\":\"urn:uuid:5e0e0000-0000-0000-0000-000000000001\",\"resource\":" + PATIENT + "}"));
        assertThat(items)
                .containsExactly(
                        parsed("Patient/p1", person("P1", "Kim", "1990-01-01", null)),
                        parsed("Immunization/i1", dose("P1", "2021-07-20", VaccineProduct.PFIZER, 1)),
                        // 01:00 UTC is 10:00 KST, the same day; the dose day is the day in Korea.
                        parsed("Immunization/i2", dose("P1", "2021-08-17", VaccineProduct.PFIZER, 2)));
    }

    @Test
    void a_patient_read_on_an_earlier_ndjson_line_is_found_by_id_and_an_unknown_one_is_never_guessed() {
        var items = fhir(PATIENT + "\n" + immunization("i1", "Patient/p1", "208", "completed", "2021-07-20", "1") + "\n"
                + immunization("i2", "Patient/P2", "207", "completed", "2021-07-20", "1") + "\n");
        assertThat(describe(items))
                .containsExactly(
                        "Patient/p1 = " + person("P1", "Kim", "1990-01-01", null),
                        "Immunization/i1 = " + dose("P1", "2021-07-20", VaccineProduct.PFIZER, 1),
                        "Immunization/i2 ! the patient reference 'Patient/P2' names no Patient read before it; put the Patient on an earlier line"
                                + " of the file, or refer to the person by identifier (or import with Patient ids read as person ids, if they are)");
    }

    @Test
    void when_patient_ids_are_person_ids_a_reference_needs_no_patient_and_a_mismatched_patient_is_rejected() {
        String text = PATIENT + "\n" + immunization("i2", "Patient/P2", "207", "completed", "2021-07-20", "1") + "\n";
        var items = Imports.readAll(FhirRegistryReader.open(
                SharedFhir.MAPPER, Imports.utf8(text), FhirRegistryReader.PatientIds.ARE_PERSON_IDS));
        assertThat(describe(items))
                .containsExactly(
                        "Patient/p1 ! Patient.id 'p1' is not its person id 'P1'; this import reads Patient ids as person ids, so they must match",
                        "Immunization/i2 = " + dose("P2", "2021-07-20", VaccineProduct.MODERNA, 1));
    }

    @Test
    void a_korean_name_in_parts_reads_family_name_first_and_others_given_name_first() {
        var items = fhir("""
                {"resourceType":"Patient","id":"a","identifier":[{"system":"urn:oid:1.2.410.1","value":"MRN-7"},{"system":"%s","value":"P1"}],\
                "name":[{"use":"nickname","text":"Minnie"},{"use":"official","family":"김","given":["민","준"]}],"birthDate":"1990-01-01",\
                "telecom":[{"system":"phone","value":"02-123-4567","use":"home"},{"system":"phone","value":"010-9999-0000","use":"mobile"}]}
                {"resourceType":"Patient","id":"b","identifier":[{"system":"urn:oid:1.2.410.1","value":"MRN-8"}],\
                "name":[{"family":"Smith","given":["Jane","Q"]}],"birthDate":"1991-02-03"}
                """.formatted(FhirRecordMapper.DEFAULT_PERSON_ID_SYSTEM));
        assertThat(records(items))
                .containsExactly(
                        person("P1", "김민준", "1990-01-01", "010-9999-0000"),
                        person("MRN-8", "Jane Q Smith", "1991-02-03", null));
    }

    @Test
    void a_bad_ndjson_line_is_rejected_and_the_next_line_is_read() {
        var items = fhir(PATIENT + "\n{\"resourceType\":\"Patient\",\n\n[1,2]\n"
                + immunization("i1", "Patient/p1", "208", "completed", "2021-07-20", "1") + "\n");
        assertThat(describe(items)).hasSize(4);
        assertThat(describe(items).get(1)).startsWith("line 2 ! invalid JSON: Unexpected end-of-input");
        assertThat(describe(items).get(2))
                .isEqualTo(
                        "line 4 ! the line is not a JSON object; NDJSON carries one resource or one Bundle per line");
        assertThat(items.get(3))
                .isEqualTo(parsed("Immunization/i1", dose("P1", "2021-07-20", VaccineProduct.PFIZER, 1)));
    }

    @Test
    void a_syntax_error_in_a_bundle_ends_the_read_after_the_good_entries_and_says_where() {
        String text = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[\n" + entry(PATIENT) + ",\n"
                + entry(immunization("i1", "Patient/p1", "208", "completed", "2021-07-20", "1"))
                + ",\n{\"resource\": {\"resourceType\" \"Patient\"}}\n]}";
        var items = fhir(text);
        assertThat(items).hasSize(3);
        assertThat(items.get(1))
                .isEqualTo(parsed("Immunization/i1", dose("P1", "2021-07-20", VaccineProduct.PFIZER, 1)));
        assertThat(describe(items).get(2))
                .startsWith("line 4, column ")
                .contains("invalid JSON: Unexpected character")
                .endsWith("nothing after this point was read");
    }

    @Test
    void a_lone_resource_document_is_read_whole() {
        String pretty = """
                {
                  "resourceType": "Immunization",
                  "status": "completed",
                  "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "212"}]},
                  "patient": {"identifier": {"value": "P3"}},
                  "occurrenceDateTime": "2021-06-10",
                  "protocolApplied": [{"doseNumberString": "1"}]
                }
                """;
        assertThat(fhir(pretty))
                .containsExactly(parsed("Immunization at line 1", dose("P3", "2021-06-10", VaccineProduct.JANSSEN, 1)));
    }

    @Test
    void a_large_bundle_streams_entry_by_entry() throws Exception {
        int entries = 20_000;
        String head = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[\n";
        var input = new GeneratedInput(
                head,
                i -> (i == 0 ? "" : ",\n")
                        + entry(
                                i % 2 == 0
                                        ? PATIENT.replace("p1", "p" + i).replace("P1", "P" + i)
                                        : immunization(
                                                "i" + i, "Patient/p" + (i - 1), "208", "completed", "2021-07-20", "1")),
                entries,
                "\n]}\n");
        long count = 0;
        long widest = 0;
        try (var reader = FhirRegistryReader.open(SharedFhir.MAPPER, input)) {
            while (reader.hasNext()) {
                if (reader.next() instanceof ImportItem.Rejected r) {
                    throw new AssertionError(r.toString());
                }
                count++;
                widest = Math.max(widest, input.unitsMade() - count);
            }
            assertThat(reader.bytesRead()).isGreaterThan(entries * 200L);
        }
        assertThat(count).isEqualTo(entries);
        // The read-ahead is a 64 KiB buffer plus Jackson's 8 KiB, about 300 entries of 250 bytes; the Bundle is 20,000.
        assertThat(widest).isLessThan(1_000);
    }

    @Test
    void bytes_read_reaches_the_file_size() throws Exception {
        byte[] file = Files.readAllBytes(SAMPLE);
        try (var reader = FhirRegistryReader.open(SharedFhir.MAPPER, new ByteArrayInputStream(file))) {
            reader.forEachRemaining(item -> {});
            assertThat(reader.bytesRead()).isEqualTo(file.length);
        }
    }

    @Test
    void an_empty_input_yields_nothing() {
        assertThat(fhir("")).isEmpty();
        assertThat(fhir("\n\n")).isEmpty();
        assertThat(describe(fhir("[]"))).containsExactly("line 1 ! expected a FHIR resource (a JSON object), found [");
    }

    @Test
    void every_known_test_code_maps_to_its_kind() {
        String lines = FhirRecordMapper.TEST_CODES.keySet().stream()
                .map(code -> observation("o" + code, code, "260415000", "\"issued\":\"2021-12-13T10:00:00+09:00\""))
                .collect(Collectors.joining("\n"));
        List<String> mismatches = new ArrayList<>();
        for (ImportItem item : fhir(PATIENT + "\n" + lines + "\n").subList(1, FhirRecordMapper.TEST_CODES.size() + 1)) {
            String code = item.location().substring("Observation/o".length());
            if (!(item instanceof ImportItem.Parsed p
                    && p.record() instanceof TestRecord t
                    && t.kind() == FhirRecordMapper.TEST_CODES.get(code))) {
                mismatches.add(code + " -> " + item);
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
