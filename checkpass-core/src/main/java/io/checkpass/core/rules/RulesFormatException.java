package io.checkpass.core.rules;

/** A rules document that cannot be used; the message names the file or set and the field at fault. */
public final class RulesFormatException extends IllegalArgumentException {
    public RulesFormatException(String message) {
        super(message);
    }

    public RulesFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
