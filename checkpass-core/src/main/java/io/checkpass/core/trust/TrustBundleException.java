package io.checkpass.core.trust;

/** A trust bundle that must not be used: malformed, wrongly signed or signed by an unexpected key. */
public final class TrustBundleException extends Exception {
    public TrustBundleException(String message) {
        super(message);
    }

    public TrustBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
