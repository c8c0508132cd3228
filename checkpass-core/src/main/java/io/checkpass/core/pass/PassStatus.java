package io.checkpass.core.pass;

import java.util.Locale;

/**
 * What a pass says about its holder. The numeric code is what the credential carries (claim {@code status});
 * the name is what APIs, rules files and the CLI use.
 *
 * <p>{@link #UNVACCINATED} is a pass too: Korean check-in QRs showed "접종 미완료" and restaurants could still admit
 * such a holder under a condition (eating alone). A status outside its validity window counts as unvaccinated
 * when venue rules are applied.
 */
public enum PassStatus {
    UNVACCINATED(0, "미접종", "Unvaccinated"),
    VACCINATED(1, "접종 완료", "Vaccinated"),
    TESTED(2, "PCR 음성", "Tested negative"),
    RECOVERED(3, "완치", "Recovered"),
    EXEMPT(4, "예외(의학적 사유)", "Medically exempt"),
    MINOR(5, "18세 이하", "Minor (under 19)");

    private final int code;
    private final String korean;
    private final String english;

    PassStatus(int code, String korean, String english) {
        this.code = code;
        this.korean = korean;
        this.english = english;
    }

    public int code() {
        return code;
    }

    public String korean() {
        return korean;
    }

    public String english() {
        return english;
    }

    /** The lower-case name used in JSON, rules files and the CLI. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PassStatus ofCode(long code) {
        for (PassStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status code " + code);
    }

    /**
     * Parses a status name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static PassStatus parse(String name) {
        for (PassStatus s : values()) {
            if (s.id().equalsIgnoreCase(name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown status '" + name + "'; use one of unvaccinated, vaccinated, tested, recovered, exempt, minor");
    }
}
