package io.checkpass.core.verify;

/** The pass formats the verifier reads. */
public enum PassFormatKind {
    /** checkpass native pass, {@code CP1:}. */
    CP1,
    /** EU Digital COVID Certificate, {@code HC1:}. */
    DCC,
    /** SMART Health Card, {@code shc:/}. */
    SHC,
    /** NZ COVID Pass, {@code NZCP:/1/}. */
    NZCP
}
