package io.checkpass.core.codec;

/** Input that is not the CBOR structure a codec expects. Callers at the edge turn this into a MALFORMED verdict. */
public final class CborException extends IllegalArgumentException {
    public CborException(String message) {
        super(message);
    }

    public CborException(String message, Throwable cause) {
        super(message, cause);
    }
}
