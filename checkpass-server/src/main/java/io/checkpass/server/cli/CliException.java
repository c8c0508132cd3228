package io.checkpass.server.cli;

/** A problem the user can fix; printed as one line on stderr, with a non-zero exit and no stack trace. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
