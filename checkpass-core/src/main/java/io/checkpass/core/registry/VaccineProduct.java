package io.checkpass.core.registry;

import java.util.Locale;

/**
 * COVID-19 vaccines: those used in Korea in 2021–22, with their CVX codes (CDC), which the registry's FHIR and CSV
 * imports read; and the other WHO EUL vaccines a foreign pass may name (Sinopharm BIBP, Sinovac CoronaVac, Bharat
 * Covaxin), which no Korean registry record holds and so carry no CVX code here. Each has the number of doses of its
 * primary series (Janssen: one), the one count the status engine uses. Which foreign codes Korea accepts, and as which
 * product, is data: {@code vaccineProducts} in the medical rules ({@link io.checkpass.core.rules.VaccineProducts}).
 */
public enum VaccineProduct {
    PFIZER(2, "208", "217", "218", "219"),
    MODERNA(2, "207", "221", "228"),
    ASTRAZENECA(2, "210"),
    JANSSEN(1, "212"),
    NOVAVAX(2, "211"),
    SINOPHARM(2),
    SINOVAC(2),
    COVAXIN(2);

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

    /** True for the vaccines given in Korea, which registry records hold; false for those only foreign passes name. */
    public boolean givenInKorea() {
        return cvxCodes.length > 0;
    }

    /**
     * Parses the name of a vaccine given in Korea ("pfizer", "Moderna", ...), as registry imports write it.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static VaccineProduct parse(String name) {
        for (VaccineProduct p : values()) {
            if (p.givenInKorea() && p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown vaccine '" + name + "'; use pfizer, moderna, astrazeneca, janssen or novavax");
    }
}
