package io.checkpass.core.registry;

import java.util.Locale;

/**
 * COVID-19 vaccines used in Korea in 2021–22, with the number of doses in their primary series (Janssen: one)
 * and their CVX codes (CDC), which FHIR Immunization resources carry.
 */
public enum VaccineProduct {
    PFIZER(2, "208", "217", "218", "219"),
    MODERNA(2, "207", "221", "228"),
    ASTRAZENECA(2, "210"),
    JANSSEN(1, "212"),
    NOVAVAX(2, "211");

    private final int primaryDoses;
    private final String[] cvxCodes;

    VaccineProduct(int primaryDoses, String... cvxCodes) {
        this.primaryDoses = primaryDoses;
        this.cvxCodes = cvxCodes;
    }

    /** Doses that complete the primary series. */
    public int primaryDoses() {
        return primaryDoses;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The product for a CVX code, or null. */
    public static VaccineProduct ofCvx(String code) {
        for (VaccineProduct p : values()) {
            for (String c : p.cvxCodes) {
                if (c.equals(code)) {
                    return p;
                }
            }
        }
        return null;
    }

    /**
     * Parses a product name ("pfizer", "Moderna", ...).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static VaccineProduct parse(String name) {
        for (VaccineProduct p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown vaccine '" + name + "'; use pfizer, moderna, astrazeneca, janssen or novavax");
    }
}
