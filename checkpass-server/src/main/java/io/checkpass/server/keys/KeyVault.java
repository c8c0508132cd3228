package io.checkpass.server.keys;

import io.checkpass.core.crypto.SigningKey;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * Where the centre's private signing keys live: a PKCS#12 file in the keys directory (the embedded default) or a
 * PKCS#11 token (an HSM). A vault only holds keys by alias; which key signs what, and when, is the key lifecycle's
 * business, not the vault's.
 */
public interface KeyVault extends AutoCloseable {

    /** Every signing key the vault holds, by alias. */
    Map<String, SigningKey> keys() throws IOException;

    /**
     * Generates a P-256 key under a new alias, with a self-signed certificate valid from {@code notBefore} to
     * {@code notAfter}, stores it and returns it.
     *
     * @throws IOException if the alias is taken (keys are never overwritten) or the vault cannot be written
     */
    SigningKey generate(String alias, String commonName, Instant notBefore, Instant notAfter) throws IOException;

    /** Where the keys are, for logs and errors, e.g. {@code PKCS#12 /data/keys/keys.p12}. */
    String describe();

    @Override
    void close();
}
