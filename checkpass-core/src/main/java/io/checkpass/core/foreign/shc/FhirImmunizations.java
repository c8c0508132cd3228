package io.checkpass.core.foreign.shc;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.verify.ForeignEvidence;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a SMART Health Card's FHIR bundle proves: the completed Immunization resources, each with its CVX code and day,
 * and the Patient's name and birth date. Which vaccines count, and from when, is the medical rules' to say at the
 * door ({@link #evidence()}, docs/foreign-passes.md §3); lab results and other resources prove nothing here.
 */
record FhirImmunizations(List<ForeignEvidence.Dose> coded, String name, Optional<Integer> birthYear) {
    private static final String CVX = "http://hl7.org/fhir/sid/cvx";
    private static final int MAX_ENTRIES = 256;

    /**
     * Reads a FHIR Bundle.
     *
     * @throws IllegalArgumentException if it is not a Bundle of resources
     */
    static FhirImmunizations read(JsonNode bundle) {
        if (bundle == null || !"Bundle".equals(bundle.path("resourceType").asText(null))) {
            throw new IllegalArgumentException("credentialSubject.fhirBundle is not a FHIR Bundle");
        }
        JsonNode entries = bundle.get("entry");
        if (entries == null || !entries.isArray() || entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("FHIR Bundle has no entry array of at most " + MAX_ENTRIES);
        }
        List<ForeignEvidence.Dose> coded = new ArrayList<>();
        String name = "";
        Optional<Integer> birthYear = Optional.empty();
        for (JsonNode entry : entries) {
            JsonNode resource = entry.get("resource");
            if (resource == null || !resource.isObject()) {
                throw new IllegalArgumentException("FHIR Bundle entry has no resource");
            }
            // Other resources (lab results, specimens) say nothing about vaccination.
            String type = resource.path("resourceType").asText("");
            if (type.equals("Patient")) {
                name = patientName(resource.path("name").path(0));
                birthYear = year(resource.path("birthDate").asText(""));
            } else if (type.equals("Immunization")) {
                coded(resource).ifPresent(coded::add);
            }
        }
        return new FhirImmunizations(List.copyOf(coded), name, birthYear);
    }

    /**
     * A completed dose with its CVX code and day, whatever the vaccine: which vaccines count is the rules' to say. A
     * date-time counts by the day it writes.
     */
    private static Optional<ForeignEvidence.Dose> coded(JsonNode immunization) {
        if (!"completed".equals(immunization.path("status").asText())) {
            return Optional.empty();
        }
        String code = null;
        for (JsonNode coding : immunization.path("vaccineCode").path("coding")) {
            if (CVX.equals(coding.path("system").asText()) && code == null) {
                code = coding.path("code").asText();
            }
        }
        Optional<LocalDate> day = day(immunization.path("occurrenceDateTime").asText(""));
        return code == null || day.isEmpty()
                ? Optional.empty()
                : Optional.of(
                        new ForeignEvidence.Dose(day.get(), ForeignEvidence.CodeSystem.CVX, code, OptionalInt.empty()));
    }

    /** What the card proves for the door's status engine: its doses and the year of birth. */
    ForeignEvidence evidence() {
        return new ForeignEvidence(birthYear, coded, List.of(), List.of(), List.of());
    }

    private static Optional<LocalDate> day(String text) {
        try {
            if (text.length() == 10) {
                return Optional.of(LocalDate.parse(text));
            }
            return Optional.of(OffsetDateTime.parse(text).toLocalDate());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    Optional<DisplayHint> display() {
        if (name.isBlank() || birthYear.isEmpty() || birthYear.get() < 1900 || birthYear.get() > 2100) {
            return Optional.empty();
        }
        return Optional.of(DisplayHint.of(name, birthYear.get()));
    }

    private static String patientName(JsonNode name) {
        StringBuilder out = new StringBuilder();
        for (JsonNode given : name.path("given")) {
            out.append(given.asText()).append(' ');
        }
        return out.append(name.path("family").asText("")).toString().strip();
    }

    private static Optional<Integer> year(String date) {
        if (date.length() >= 4 && date.substring(0, 4).chars().allMatch(Character::isDigit)) {
            return Optional.of(Integer.parseInt(date.substring(0, 4)));
        }
        return Optional.empty();
    }
}
