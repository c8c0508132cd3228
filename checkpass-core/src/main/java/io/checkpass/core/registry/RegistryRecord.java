package io.checkpass.core.registry;

/** One row of health-registry data, as imported from CSV or FHIR or posted by a lab. */
public sealed interface RegistryRecord
        permits PersonRecord, ImmunizationRecord, TestRecord, RecoveryRecord, ExemptionRecord {
    /** The person this record belongs to. */
    String personId();
}
