package io.checkpass.core.registry;

import java.util.regex.Pattern;

/**
 * A person's id in the health registry: the stable reference a wallet provider asserts after its own identity
 * check, and the subject of issuance, revocation and traces. 1..64 characters of ASCII letters, digits, '.', '_'
 * and '-', starting with a letter or a digit, so it is safe in a URL path, a log line and a CSV cell.
 *
 * @param value the id; the constructor refuses anything else
 */
public record PersonId(String value) {
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** @throws IllegalArgumentException naming the value and the form, e.g. "person id 'P 1' must be 1..64 letters, …" */
    public PersonId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "person id '" + value + "' must be 1..64 letters, digits, '.', '_' or '-'");
        }
    }

    /** The same as the constructor; reads better at an edge that parses input. */
    public static PersonId parse(String value) {
        return new PersonId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
