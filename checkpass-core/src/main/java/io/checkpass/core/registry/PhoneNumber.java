package io.checkpass.core.registry;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A telephone number in its one canonical form: ASCII digits only, Korean numbers in national form with their
 * leading 0. It is the lookup key of every contact in the visit log (the HMAC of {@link #digits()}), so every
 * channel must turn the same number into the same digits: 안심콜 caller ids over SIP, manual entries at a door,
 * a tracer's input, registry phones. The rule, applied by {@link #parse}:
 * <ol>
 *   <li>the separators space, {@code -}, {@code .}, {@code (} and {@code )} are dropped;</li>
 *   <li>what remains must be digits, with at most one {@code +} in front; anything else is refused;</li>
 *   <li>a leading {@code +} is dropped;</li>
 *   <li>a leading {@code 82} (Korea's country code), and a {@code 0} right after it ({@code +82 (0)10…}), becomes
 *       {@code 0}: no national Korean number starts with 82, so {@code +82 10-1234-5678}, {@code 82 10 1234 5678} and
 *       {@code 010-1234-5678} are one number;</li>
 *   <li>{@value #MIN_DIGITS}..{@value #MAX_DIGITS} digits must remain.</li>
 * </ol>
 *
 * <p>Why {@value #MIN_DIGITS}..{@value #MAX_DIGITS}: E.164 allows 15 digits with the country code, and the shortest
 * numbers in service anywhere have 7 (Niue, +683 XXXX). Korean numbers with their area code have 8 (15XX-XXXX) to 11
 * (010-XXXX-XXXX). So a caller id from the trunk, a visitor's number taken at the door (a foreign visitor's too) and
 * a number an investigator types all pass; a short code or a number missing its area code does not, and could not
 * be traced anyway.
 *
 * <p>The same rule exists twice more, and a test holds all three to the same answers on generated input
 * ({@code PhoneNumberRuleTest}): in SQL as {@code canonical_phone(text)} (migration V5), which the registry's phone
 * index and the tracer's query share, and in JavaScript in {@code web/shared/phone.mjs} for the scanner page.
 *
 * @param digits the canonical form; the constructor refuses anything else, so every {@code PhoneNumber} is canonical
 */
public record PhoneNumber(String digits) {
    public static final int MIN_DIGITS = 7;
    public static final int MAX_DIGITS = 15;
    private static final Pattern CANONICAL = Pattern.compile("(?!82)[0-9]{" + MIN_DIGITS + "," + MAX_DIGITS + "}");
    private static final Pattern PLUS_AND_DIGITS = Pattern.compile("\\+?[0-9]+");

    public PhoneNumber {
        if (digits == null || !CANONICAL.matcher(digits).matches()) {
            throw new IllegalArgumentException(
                    "'" + digits + "' is not a canonical phone number; read input with PhoneNumber.parse");
        }
    }

    /** What {@link #parse} made of a text: a number, or why it is none. */
    public sealed interface Parsed {
        /** The number, if the text was one. */
        Optional<PhoneNumber> number();

        /** The number, or an {@link IllegalArgumentException} whose message is the refusal's reason. */
        default PhoneNumber orElseThrow() {
            return switch (this) {
                case Valid v -> v.phone();
                case Refused r -> throw new IllegalArgumentException(r.reason());
            };
        }
    }

    /** The text is this number. */
    public record Valid(PhoneNumber phone) implements Parsed {
        public Valid {
            Objects.requireNonNull(phone, "phone");
        }

        @Override
        public Optional<PhoneNumber> number() {
            return Optional.of(phone);
        }
    }

    /** The text is no phone number; {@code reason} says why, naming the text, in a sentence fit for a 400 or a log. */
    public record Refused(String reason) implements Parsed {
        @Override
        public Optional<PhoneNumber> number() {
            return Optional.empty();
        }
    }

    /** Reads a number as a person, a telco or a registry wrote it. Never throws. */
    public static Parsed parse(String text) {
        if (text == null) {
            return new Refused("no phone number given");
        }
        StringBuilder kept = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
                kept.append(c);
            }
        }
        String digits = kept.toString();
        if (!PLUS_AND_DIGITS.matcher(digits).matches()) {
            return new Refused("'" + text
                    + "' is not a phone number: write digits, with spaces, '-', '.' or '()' between them if you like,"
                    + " and a leading + for a country code");
        }
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        if (digits.startsWith("82")) {
            digits = "0" + digits.substring(digits.startsWith("820") ? 3 : 2);
        }
        if (digits.length() < MIN_DIGITS || digits.length() > MAX_DIGITS) {
            return new Refused("'" + text + "' is not a phone number (" + MIN_DIGITS + ".." + MAX_DIGITS
                    + " digits, with the area code), got " + digits.length() + " digits");
        }
        return new Valid(new PhoneNumber(digits));
    }

    @Override
    public String toString() {
        return digits;
    }
}
