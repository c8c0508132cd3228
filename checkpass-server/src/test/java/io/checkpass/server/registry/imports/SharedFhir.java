package io.checkpass.server.registry.imports;

/** One mapper for all tests: its FHIR context takes seconds to build, as it would in production. */
final class SharedFhir {
    static final FhirRecordMapper MAPPER = new FhirRecordMapper();

    private SharedFhir() {}
}
