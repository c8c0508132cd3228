package io.checkpass.core.pass;

/**
 * What door staff may see of the holder: a masked name and the birth year, enough to compare with an ID card
 * and no more (docs/principles.md §6).
 *
 * @param maskedName the name's first and last character around a '*'; up to {@value #MAX_NAME_CHARS} chars are
 *                   accepted from other issuers
 * @param birthYear  a four-digit year
 */
public record DisplayHint(String maskedName, int birthYear) {
    public static final int MAX_NAME_CHARS = 24;

    public DisplayHint {
        if (maskedName == null || maskedName.isBlank() || maskedName.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException("masked name must be 1.." + MAX_NAME_CHARS + " characters");
        }
        if (birthYear < 1900 || birthYear > 2100) {
            throw new IllegalArgumentException("birth year " + birthYear + " is outside 1900..2100");
        }
    }

    /** Masks a full name and pairs it with the birth year. */
    public static DisplayHint of(String fullName, int birthYear) {
        return new DisplayHint(mask(fullName), birthYear);
    }

    /**
     * Keeps the first and last character around one star, whatever the length ("홍길동" → "홍*동", "남궁민수" →
     * "남*수", "김철" → "김*", "John Smith" → "J*h"). Showing no more than that protects the holder and keeps a
     * device-bound QR under 400 characters; the birth year and the ID card do the rest.
     */
    public static String mask(String fullName) {
        if (fullName == null) {
            throw new IllegalArgumentException("name is required");
        }
        int[] cps = fullName.strip().codePoints().toArray();
        if (cps.length == 0) {
            throw new IllegalArgumentException("name is blank");
        }
        if (cps.length == 1) {
            return "*";
        }
        StringBuilder out = new StringBuilder().appendCodePoint(cps[0]).append('*');
        if (cps.length > 2) {
            out.appendCodePoint(cps[cps.length - 1]);
        }
        return out.toString();
    }
}
