package io.checkpass.server.registry.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.server.registry.imports.FhirRecordMapper.Mapped;
import io.checkpass.server.registry.imports.FhirRecordMapper.NeedsPerson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Parses the body a lab posts with one test result: a FHIR R4 Observation, or the plain JSON of docs/import.md
 * <pre>{"personId": "P0004", "kind": "pcr", "positive": false, "resultAt": "2021-12-13T10:00:00+09:00"}</pre>
 * A body with a {@code resourceType} is FHIR; one without is plain JSON. The body is bounded to
 * {@value #MAX_BODY_BYTES} bytes before anything is parsed. Bad input is a {@link LabResult.Invalid}, never an exception.
 */
public final class LabResultParser {
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Set<String> PLAIN_FIELDS = Set.of("personId", "kind", "positive", "resultAt");

    private final FhirRecordMapper fhir;

    public LabResultParser(FhirRecordMapper fhir) {
        this.fhir = Objects.requireNonNull(fhir, "fhir");
    }

    /**
     * Reads at most {@value #MAX_BODY_BYTES} bytes (plus one, to tell a body that is too large) and parses them.
     *
     * @throws IOException only if reading the stream fails
     */
    public LabResult parse(InputStream body) throws IOException {
        return parse(body.readNBytes(MAX_BODY_BYTES + 1));
    }

    public LabResult parse(byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            return invalid("the body is larger than " + MAX_BODY_BYTES / 1024 + " KiB; post one result per request");
        }
        JsonNode json;
        try {
            json = FhirRegistryReader.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return invalid("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return invalid("the body cannot be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            return invalid("the body must be a JSON object");
        }
        return json.has("resourceType") ? observation(json) : plain(json);
    }

    private LabResult observation(JsonNode json) {
        JsonNode type = json.get("resourceType");
        if (!type.isTextual() || !"Observation".equals(type.asText())) {
            return invalid(
                    "resourceType is " + type + "; post a FHIR Observation, or the plain JSON without resourceType");
        }
        Problems problems = new Problems();
        try {
            Mapped mapped = fhir.map("Observation", json.toString(), problems);
            if (mapped instanceof NeedsPerson n) {
                FhirRecordMapper.PatientReference ref = n.patient();
                String personId =
                        ref.identifier() != null ? ref.identifier() : FhirRecordMapper.patientId(ref.reference());
                if (personId == null) {
                    problems.add("Observation.subject '" + ref.reference()
                            + "' is not Patient/<person id>; refer to the person as"
                            + " Patient/<person id>, or by an identifier whose value is the person id");
                } else {
                    return new LabResult.Accepted((TestRecord) n.forPerson().apply(personId));
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        } catch (RuntimeException e) {
            // HAPI model accessors throw unchecked exceptions on shapes the parser let through; the contract is
            // Invalid.
            problems.add("the Observation could not be mapped: " + e);
        }
        return new LabResult.Invalid(problems.list());
    }

    private static LabResult plain(JsonNode json) {
        Problems problems = new Problems();
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PLAIN_FIELDS.contains(name)) {
                problems.add("unknown field '" + name + "'; the fields are personId, kind, positive and resultAt");
            }
        }
        String personId = text(json, "personId", "the registry person id", problems);
        String kindText = text(json, "kind", "pcr or rapid_antigen", problems);
        TestRecord.Kind kind = null;
        if (kindText != null) {
            try {
                kind = TestRecord.Kind.parse(kindText);
            } catch (IllegalArgumentException e) {
                problems.add("field 'kind': " + e.getMessage());
            }
        }
        JsonNode positive = json.get("positive");
        if (positive == null || !positive.isBoolean()) {
            problems.add("field 'positive' must be true or false");
        }
        String resultAtText = text(json, "resultAt", "e.g. 2021-12-13T10:00:00+09:00", problems);
        Instant resultAt =
                resultAtText == null ? null : FieldValues.instant("field 'resultAt'", resultAtText, problems);
        if (!problems.isEmpty()) {
            return new LabResult.Invalid(problems.list());
        }
        try {
            return new LabResult.Accepted(new TestRecord(personId, resultAt, kind, positive.booleanValue()));
        } catch (IllegalArgumentException e) {
            return invalid("field 'personId': " + e.getMessage());
        }
    }

    private static String text(JsonNode json, String field, String hint, Problems problems) {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            problems.add("field '" + field + "' must be a non-empty string (" + hint + ")");
            return null;
        }
        return v.asText().strip();
    }

    private static LabResult invalid(String problem) {
        return new LabResult.Invalid(List.of(problem));
    }
}
