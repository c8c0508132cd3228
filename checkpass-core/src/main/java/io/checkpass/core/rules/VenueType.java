package io.checkpass.core.rules;

import java.util.regex.Pattern;

/**
 * A kind of venue as the rules name it, e.g. {@code restaurant_cafe}. The list of known types travels with the
 * rules (and so with the trust bundle); check a user-supplied code with {@link VenueRules#venueType(String)}.
 */
public record VenueType(String code) {
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    public VenueType {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException(
                    "venue type '" + code + "' is not a lower-case code like restaurant_cafe");
        }
    }

    @Override
    public String toString() {
        return code;
    }
}
