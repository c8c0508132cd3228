package io.checkpass.server.auth;

import java.util.Locale;

/** What an authenticated client may do. A client holds one or more roles. */
public enum Role {
    /** Wallet providers (Naver, Kakao, COOV, our wallet page): fetch credentials for persons they identified. */
    WALLET_PROVIDER,
    /** A venue's scanner: uploads check-ins, verifies foreign passes. */
    SCANNER,
    /** A laboratory: posts test results. */
    LAB,
    /** Health-authority operators: registry, revocation, venues, API clients, trust material. */
    ISSUER_ADMIN,
    /** Epidemiological investigators: run traces (every resolution is audited). */
    TRACER,
    /** Reads the audit log. */
    AUDITOR,
    /** Prometheus scraping and dashboards. */
    MONITORING,
    /**
     * A clerk at a community or health centre's counter: looks a person up, records that an ID was checked, prints
     * a paper pass (docs/rules.md §Paper passes).
     */
    COUNTER_CLERK,
    /**
     * A district officer (시·군·구): inspects venues of their district, records violations and fines, voids fines,
     * reads the district's reports. Scoped to one district ({@code inspection.InspectorScopes}).
     */
    INSPECTOR;

    /** The name used in the database, config and docs: lower case with hyphens. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Role parse(String id) {
        for (Role role : values()) {
            if (role.id().equals(id.trim())) {
                return role;
            }
        }
        throw new IllegalArgumentException(
                "unknown role '" + id
                        + "'; roles are wallet-provider, scanner, lab, issuer-admin, tracer, auditor, monitoring, counter-clerk, inspector");
    }
}
