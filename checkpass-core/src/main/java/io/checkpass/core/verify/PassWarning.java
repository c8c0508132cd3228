package io.checkpass.core.verify;

import java.util.Objects;

/**
 * A deviation from a foreign format's schema that the reader read past instead of refusing the pass (docs/foreign-
 * passes.md §1): issuers sign certificates that bend their schema, and a genuine certificate must still be read.
 * Warnings are shown alongside the verdict; they never admit anything the rules would not.
 *
 * @param field   the field, as a path in the payload (e.g. {@code v[0].dn})
 * @param message what is wrong with it and how it was read
 */
public record PassWarning(String field, String message) {
    public PassWarning {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
