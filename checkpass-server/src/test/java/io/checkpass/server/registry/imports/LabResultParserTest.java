package io.checkpass.server.registry.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.TestRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabResultParserTest {
    static final LabResultParser PARSER = new LabResultParser(SharedFhir.MAPPER);
    static final TestRecord SAMPLE_RESULT =
            new TestRecord("P0004", Instant.parse("2021-12-13T01:00:00Z"), TestRecord.Kind.PCR, false);

    private static LabResult parse(String body) {
        return PARSER.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void the_plain_and_the_fhir_samples_give_the_same_test_record() throws Exception {
        for (String sample : List.of("lab-result.json", "lab-result-fhir.json")) {
            byte[] body = Files.readAllBytes(Path.of("..", "examples", sample));
            assertThat(PARSER.parse(new ByteArrayInputStream(body)))
                    .as(sample)
                    .isEqualTo(new LabResult.Accepted(SAMPLE_RESULT));
        }
    }

    @Test
    void an_observation_may_name_the_person_by_identifier() {
        var result = parse("""
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94558-4"}]},
                 "subject":{"identifier":{"value":"P7"}},"effectiveDateTime":"2021-12-14T08:15:00+09:00",
                 "valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"10828004"}]}}""");
        assertThat(result)
                .isEqualTo(new LabResult.Accepted(new TestRecord(
                        "P7", Instant.parse("2021-12-13T23:15:00Z"), TestRecord.Kind.RAPID_ANTIGEN, true)));
    }

    /** Bad bodies, with a part of one problem each must report. */
    static final Map<String, String> BAD_BODIES = Map.ofEntries(
            Map.entry("not json", "the body is not JSON"),
            Map.entry("[1]", "the body must be a JSON object"),
            Map.entry(
                    "{\"personId\":\"P1\",\"kind\":\"pcr\",\"positive\":false,\"resultAt\":\"2021-12-13T10:00:00+09:00\"} {}",
                    "the body is not JSON"),
            Map.entry(
                    "{\"personId\":\"P1\",\"personId\":\"P2\",\"kind\":\"pcr\",\"positive\":false,\"resultAt\":\"2021-12-13T10:00:00+09:00\"}",
                    "Duplicate field 'personId'"),
            Map.entry(
                    "{\"kind\":\"pcr\",\"positive\":false,\"resultAt\":\"2021-12-13T10:00:00+09:00\"}",
                    "field 'personId' must be a non-empty string"),
            Map.entry(
                    "{\"personId\":\"P 1\",\"kind\":\"pcr\",\"positive\":false,\"resultAt\":\"2021-12-13T10:00:00+09:00\"}",
                    "field 'personId': person id 'P 1' must be"),
            Map.entry(
                    "{\"personId\":\"P1\",\"kind\":\"culture\",\"positive\":false,\"resultAt\":\"2021-12-13T10:00:00+09:00\"}",
                    "field 'kind': unknown test kind 'culture'"),
            Map.entry(
                    "{\"personId\":\"P1\",\"kind\":\"pcr\",\"positive\":\"no\",\"resultAt\":\"2021-12-13T10:00:00+09:00\"}",
                    "field 'positive' must be true or false"),
            Map.entry(
                    "{\"personId\":\"P1\",\"kind\":\"pcr\",\"positive\":false,\"resultAt\":\"2021-12-13T10:00:00\"}",
                    "field 'resultAt': '2021-12-13T10:00:00' has no UTC offset"),
            Map.entry(
                    "{\"personId\":\"P1\",\"kind\":\"pcr\",\"postive\":false,\"resultAt\":\"2021-12-13T10:00:00+09:00\"}",
                    "unknown field 'postive'"),
            Map.entry("{\"resourceType\":\"Patient\"}", "resourceType is \"Patient\"; post a FHIR Observation"),
            Map.entry(
                    "{\"resourceType\":\"Observation\",\"status\":\"preliminary\"}",
                    "Observation.status is 'preliminary'"),
            Map.entry(
                    """
                    {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94309-2"}]},
                     "subject":{"reference":"urn:uuid:1f0e0000-0000-0000-0000-000000000000"},"issued":"2021-12-13T10:00:00+09:00",
                     "valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260415000"}]}}""",
                    "Observation.subject 'urn:uuid:1f0e0000-0000-0000-0000-000000000000' is not Patient/<person id>"));

    @Test
    void every_bad_body_is_invalid_with_a_problem_that_names_the_field() {
        List<String> mismatches = new ArrayList<>();
        for (var bad : BAD_BODIES.entrySet()) {
            LabResult result = parse(bad.getKey());
            if (!(result instanceof LabResult.Invalid invalid
                    && invalid.problems().stream().anyMatch(p -> p.contains(bad.getValue())))) {
                mismatches.add(bad.getKey() + " -> " + result);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void a_body_reports_all_its_problems_at_once() {
        assertThat(parse("{\"kind\":\"x\",\"positive\":1}"))
                .isInstanceOfSatisfying(
                        LabResult.Invalid.class,
                        invalid -> assertThat(invalid.problems()).hasSize(4));
    }

    @Test
    void a_body_over_64_kib_is_refused_before_it_is_parsed() throws Exception {
        byte[] big = ("{\"personId\":\"" + "x".repeat(LabResultParser.MAX_BODY_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        var counting = new CountingInputStream(new ByteArrayInputStream(big));
        assertThat(PARSER.parse(counting))
                .isEqualTo(
                        new LabResult.Invalid(List.of("the body is larger than 64 KiB; post one result per request")));
        assertThat(counting.count()).isEqualTo(LabResultParser.MAX_BODY_BYTES + 1);
    }
}
