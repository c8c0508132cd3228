package io.checkpass.server.registry.imports;

import static io.checkpass.core.time.KoreaTime.KST;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.PerformanceOptionsEnum;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Maps HL7 FHIR R4 resources to registry records: Patient → {@link PersonRecord}, Immunization →
 * {@link ImmunizationRecord}, SARS-CoV-2 test Observation → {@link TestRecord} (docs/import.md has the full mapping).
 *
 * <p>It holds the HAPI {@link FhirContext}, which takes seconds to build: make one mapper and share it between readers
 * and the lab-result parser (it is thread-safe; each call makes its own cheap parser). Parsing is strict: an unknown
 * element or a malformed value is a problem, not a warning in a log nobody reads.
 */
public final class FhirRecordMapper {
    /** The identifier system whose value is the registry person id, preferred over a Patient's other identifiers. */
    public static final String DEFAULT_PERSON_ID_SYSTEM = "https://checkpass.io/fhir/sid/person-id";

    static final String CVX = "http://hl7.org/fhir/sid/cvx";
    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";

    /** Immunization dates with a time of day are days in Korea. */

    /**
     * SARS-CoV-2 presence tests by LOINC code. Nucleic-acid amplification (RT-PCR and the like) counts as PCR; antigen
     * immunoassays, rapid or not, as rapid antigen. Antibody tests and quantitative (Ct, viral load) codes are not
     * test results for a pass.
     */
    static final Map<String, TestRecord.Kind> TEST_CODES = Map.ofEntries(
            Map.entry("94309-2", TestRecord.Kind.PCR),
            Map.entry("94500-6", TestRecord.Kind.PCR),
            Map.entry("94533-7", TestRecord.Kind.PCR),
            Map.entry("94534-5", TestRecord.Kind.PCR),
            Map.entry("94559-2", TestRecord.Kind.PCR),
            Map.entry("94565-9", TestRecord.Kind.PCR),
            Map.entry("94640-0", TestRecord.Kind.PCR),
            Map.entry("94756-4", TestRecord.Kind.PCR),
            Map.entry("94757-2", TestRecord.Kind.PCR),
            Map.entry("94759-8", TestRecord.Kind.PCR),
            Map.entry("94760-6", TestRecord.Kind.PCR),
            Map.entry("94845-5", TestRecord.Kind.PCR),
            Map.entry("95406-5", TestRecord.Kind.PCR),
            Map.entry("95409-9", TestRecord.Kind.PCR),
            Map.entry("95425-5", TestRecord.Kind.PCR),
            Map.entry("94558-4", TestRecord.Kind.RAPID_ANTIGEN),
            Map.entry("95209-3", TestRecord.Kind.RAPID_ANTIGEN),
            Map.entry("96119-3", TestRecord.Kind.RAPID_ANTIGEN),
            Map.entry("97097-0", TestRecord.Kind.RAPID_ANTIGEN));

    /** SNOMED CT qualifier values: detected / positive, and not detected / negative. */
    static final Set<String> POSITIVE = Set.of("260373001", "10828004");

    static final Set<String> NEGATIVE = Set.of("260415000", "260385009");

    private static final Set<Observation.ObservationStatus> RESULT_STATUSES = Set.of(
            Observation.ObservationStatus.FINAL,
            Observation.ObservationStatus.AMENDED,
            Observation.ObservationStatus.CORRECTED);

    private static final Pattern PATIENT_REFERENCE = Pattern.compile("(?:.*/)?Patient/([^/]+)(?:/_history/[^/]+)?");

    private final FhirContext context;
    private final String personIdSystem;

    /** A mapper taking person ids from identifiers of {@link #DEFAULT_PERSON_ID_SYSTEM}. */
    public FhirRecordMapper() {
        this(DEFAULT_PERSON_ID_SYSTEM);
    }

    /** A mapper taking person ids from identifiers of {@code personIdSystem}, else from a Patient's first identifier. */
    public FhirRecordMapper(String personIdSystem) {
        this.personIdSystem = Objects.requireNonNull(personIdSystem, "personIdSystem");
        this.context = FhirContext.forR4();
        context.setPerformanceOptions(PerformanceOptionsEnum.DEFERRED_MODEL_SCANNING);
        context.setParserErrorHandler(new StrictErrorHandler());
    }

    public String personIdSystem() {
        return personIdSystem;
    }

    /** A mapped resource. */
    sealed interface Mapped {}

    /** A Patient: complete on its own. {@code logicalId} is the resource id, if it has one. */
    record Person(PersonRecord person, String logicalId) implements Mapped {}

    /** An Immunization or Observation: complete once its patient reference is resolved to a person id. */
    record NeedsPerson(PatientReference patient, Function<String, RegistryRecord> forPerson) implements Mapped {}

    /**
     * A reference to a Patient.
     *
     * @param reference  the literal reference ({@code Patient/p1}, {@code urn:uuid:...}, an absolute URL), or null
     * @param identifier the value of a logical reference's identifier, or null
     */
    record PatientReference(String reference, String identifier) {}

    /**
     * Parses one resource of {@code type} from its JSON and maps it.
     *
     * @return the mapping, or null with the reasons added to {@code problems}
     * @throws IllegalArgumentException from a record constructor refusing a value
     */
    Mapped map(String type, String json, Problems problems) {
        IBaseResource resource;
        try {
            IParser parser = context.newJsonParser();
            resource = parser.parseResource(json);
        } catch (DataFormatException e) {
            problems.add("not valid FHIR R4 " + type + ": " + e.getMessage());
            return null;
        }
        return switch (resource) {
            case Patient p -> person(p, problems);
            case Immunization im -> immunization(im, problems);
            case Observation o -> test(o, problems);
            default -> {
                problems.add("unsupported resource type " + type);
                yield null;
            }
        };
    }

    private Person person(Patient patient, Problems problems) {
        String personId = personId(patient.getIdentifier());
        if (personId == null) {
            problems.add("Patient.identifier has no value; send the registry person id as an identifier with system "
                    + personIdSystem);
        }
        String name = name(patient.getName());
        if (name == null) {
            problems.add("Patient.name is missing; send name.text, or name.family and name.given");
        }
        LocalDate birthDate = null;
        if (!patient.hasBirthDateElement() || patient.getBirthDateElement().getValueAsString() == null) {
            problems.add("Patient.birthDate is missing; send it as YYYY-MM-DD");
        } else if (patient.getBirthDateElement().getPrecision() != TemporalPrecisionEnum.DAY) {
            problems.add("Patient.birthDate '" + patient.getBirthDateElement().getValueAsString()
                    + "' is not a full date; send YYYY-MM-DD");
        } else {
            birthDate = FieldValues.date(
                    "Patient.birthDate", patient.getBirthDateElement().getValueAsString(), problems);
        }
        if (!problems.isEmpty()) {
            return null;
        }
        String logicalId =
                patient.getIdElement().hasIdPart() ? patient.getIdElement().getIdPart() : null;
        return new Person(new PersonRecord(personId, name, birthDate, phone(patient.getTelecom())), logicalId);
    }

    private String personId(List<Identifier> identifiers) {
        return identifiers.stream()
                .filter(i -> personIdSystem.equals(i.getSystem()) && i.hasValue())
                .findFirst()
                .or(() -> identifiers.stream().filter(Identifier::hasValue).findFirst())
                .map(Identifier::getValue)
                .orElse(null);
    }

    /** name.text; else the parts, in Korean order (family then given, no space) when they are Hangul. */
    private static String name(List<HumanName> names) {
        HumanName name = names.stream()
                .filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL)
                .findFirst()
                .orElse(names.isEmpty() ? null : names.getFirst());
        if (name == null) {
            return null;
        }
        if (name.hasText()) {
            return name.getText().strip();
        }
        String family = name.hasFamily() ? name.getFamily().strip() : "";
        String given = name.getGiven().stream()
                .map(StringType::getValue)
                .filter(Objects::nonNull)
                .collect(Collectors.joining(hangul(family) ? "" : " "))
                .strip();
        String full = hangul(family) || hangul(given) ? family + given : (given + " " + family).strip();
        return full.isEmpty() ? null : full;
    }

    private static boolean hangul(String s) {
        return s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HANGUL);
    }

    /** The mobile number if there is one, else the first phone number. */
    private static Optional<String> phone(List<ContactPoint> telecom) {
        List<ContactPoint> phones = telecom.stream()
                .filter(c -> c.getSystem() == ContactPoint.ContactPointSystem.PHONE && c.hasValue())
                .toList();
        return phones.stream()
                .filter(c -> c.getUse() == ContactPoint.ContactPointUse.MOBILE)
                .findFirst()
                .or(() -> phones.stream().findFirst())
                .map(c -> c.getValue().strip());
    }

    private static NeedsPerson immunization(Immunization im, Problems problems) {
        if (im.getStatus() != Immunization.ImmunizationStatus.COMPLETED) {
            problems.add("Immunization.status is "
                    + (im.hasStatus() ? "'" + im.getStatus().toCode() + "'" : "missing")
                    + "; only completed doses are imported");
        }
        VaccineProduct product = vaccine(im.getVaccineCode(), problems);
        LocalDate date = occurrence(im, problems);
        Integer dose = dose(im, problems);
        PatientReference patient = patient("Immunization.patient", im.getPatient(), problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new NeedsPerson(patient, personId -> new ImmunizationRecord(personId, date, product, dose));
    }

    private static VaccineProduct vaccine(CodeableConcept vaccineCode, Problems problems) {
        List<String> codes = codes(vaccineCode, CVX);
        if (codes.isEmpty()) {
            problems.add("Immunization.vaccineCode has no CVX coding; send system " + CVX
                    + " with the product's code, e.g. 208 for Pfizer");
            return null;
        }
        for (String code : codes) {
            VaccineProduct product = VaccineProduct.ofCvx(code);
            if (product != null) {
                return product;
            }
        }
        problems.add("Immunization.vaccineCode CVX " + String.join(", ", codes)
                + " is not a COVID-19 vaccine checkpass knows (Pfizer, Moderna, AstraZeneca, Janssen, Novavax)");
        return null;
    }

    /** The day of the dose: a date as given, a date-time as its day in Korea. */
    private static LocalDate occurrence(Immunization im, Problems problems) {
        if (!im.hasOccurrenceDateTimeType() || im.getOccurrenceDateTimeType().getValueAsString() == null) {
            problems.add("Immunization.occurrenceDateTime is missing; send the day of the dose as YYYY-MM-DD");
            return null;
        }
        BaseDateTimeType occurrence = im.getOccurrenceDateTimeType();
        String value = occurrence.getValueAsString();
        if (occurrence.getPrecision() == TemporalPrecisionEnum.DAY) {
            return FieldValues.date("Immunization.occurrenceDateTime", value, problems);
        }
        if (occurrence.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
            problems.add("Immunization.occurrenceDateTime '" + value + "' is not a full date; send YYYY-MM-DD");
            return null;
        }
        Instant at = FieldValues.instant("Immunization.occurrenceDateTime", value, problems);
        return at == null ? null : at.atZone(KST).toLocalDate();
    }

    private static Integer dose(Immunization im, Problems problems) {
        var applied = im.getProtocolApplied().stream()
                .filter(Immunization.ImmunizationProtocolAppliedComponent::hasDoseNumber)
                .findFirst();
        if (applied.isEmpty()) {
            problems.add(
                    "Immunization.protocolApplied.doseNumber is missing; send doseNumberPositiveInt, 1 for a first dose");
            return null;
        }
        var component = applied.get();
        if (component.hasDoseNumberPositiveIntType()) {
            return component.getDoseNumberPositiveIntType().getValue();
        }
        String text = component.getDoseNumberStringType().getValue();
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            problems.add("Immunization.protocolApplied.doseNumberString '" + text
                    + "' is not a number; send doseNumberPositiveInt");
            return null;
        }
    }

    private static NeedsPerson test(Observation o, Problems problems) {
        if (!RESULT_STATUSES.contains(o.getStatus())) {
            problems.add("Observation.status is "
                    + (o.hasStatus() ? "'" + o.getStatus().toCode() + "'" : "missing")
                    + "; only final, amended or corrected results are imported");
        }
        TestRecord.Kind kind = testKind(o.getCode(), problems);
        Boolean positive = positive(o, problems);
        Instant resultAt = resultAt(o, problems);
        PatientReference patient = patient("Observation.subject", o.getSubject(), problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new NeedsPerson(patient, personId -> new TestRecord(personId, resultAt, kind, positive));
    }

    private static TestRecord.Kind testKind(CodeableConcept code, Problems problems) {
        List<String> codes = codes(code, LOINC);
        for (String c : codes) {
            TestRecord.Kind kind = TEST_CODES.get(c);
            if (kind != null) {
                return kind;
            }
        }
        problems.add("Observation.code "
                + (codes.isEmpty()
                        ? "has no LOINC coding"
                        : "LOINC " + String.join(", ", codes) + " is not a SARS-CoV-2 PCR or antigen test")
                + "; send system " + LOINC + " with e.g. 94500-6 (PCR) or 94558-4 (rapid antigen)");
        return null;
    }

    private static Boolean positive(Observation o, Problems problems) {
        if (!o.hasValueCodeableConcept()) {
            problems.add(
                    "Observation.valueCodeableConcept is missing; send SNOMED CT 260373001 (detected) or 260415000 (not detected)");
            return null;
        }
        List<String> codes = codes(o.getValueCodeableConcept(), SNOMED);
        if (codes.stream().anyMatch(POSITIVE::contains)) {
            return true;
        }
        if (codes.stream().anyMatch(NEGATIVE::contains)) {
            return false;
        }
        problems.add("Observation.valueCodeableConcept "
                + (codes.isEmpty()
                        ? "has no SNOMED CT coding"
                        : "SNOMED CT " + String.join(", ", codes) + " is neither detected nor not detected")
                + "; send " + SNOMED
                + " 260373001 (detected) or 260415000 (not detected); inconclusive results are not imported");
        return null;
    }

    /**
     * When the result was reported: {@code issued}, else {@code effectiveDateTime}. Issued comes first because a
     * PCR result's validity counts from its notification, which is what issued records; effective is the sampling time.
     */
    private static Instant resultAt(Observation o, Problems problems) {
        if (o.hasIssuedElement() && o.getIssuedElement().getValueAsString() != null) {
            return FieldValues.instant(
                    "Observation.issued", o.getIssuedElement().getValueAsString(), problems);
        }
        if (o.hasEffectiveDateTimeType() && o.getEffectiveDateTimeType().getValueAsString() != null) {
            BaseDateTimeType effective = o.getEffectiveDateTimeType();
            if (effective.getPrecision().ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
                problems.add("Observation.effectiveDateTime '" + effective.getValueAsString()
                        + "' has no time of day; send e.g. 2021-12-13T10:00:00+09:00, or send issued");
                return null;
            }
            return FieldValues.instant("Observation.effectiveDateTime", effective.getValueAsString(), problems);
        }
        problems.add(
                "Observation has neither issued nor effectiveDateTime; send issued, the time the result was reported");
        return null;
    }

    private static PatientReference patient(String element, Reference reference, Problems problems) {
        String literal = reference.hasReference() ? reference.getReference().strip() : null;
        String identifier =
                reference.hasIdentifier() && reference.getIdentifier().hasValue()
                        ? reference.getIdentifier().getValue().strip()
                        : null;
        if (literal == null && identifier == null) {
            problems.add(element
                    + " is missing; send a reference to the Patient (Patient/<id> or the Patient entry's fullUrl)"
                    + " or an identifier with the person id");
            return null;
        }
        return new PatientReference(literal, identifier);
    }

    /** The id in a literal reference to a Patient ({@code Patient/p1}, {@code https://host/fhir/Patient/p1/_history/2}), or null. */
    static String patientId(String reference) {
        Matcher m = PATIENT_REFERENCE.matcher(reference);
        return m.matches() ? m.group(1) : null;
    }

    private static List<String> codes(CodeableConcept concept, String system) {
        return concept.getCoding().stream()
                .filter(c -> system.equals(c.getSystem()) && c.hasCode())
                .map(Coding::getCode)
                .toList();
    }
}
