package io.checkpass.core.crypto;

import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;

/**
 * A P-256 key pair that signs (an issuer key or the bundle key), with the self-signed certificate that carries
 * its validity window and lets PKCS#12 and PKCS#11 stores hold it.
 */
public record SigningKey(KeyId id, ECPrivateKey privateKey, ECPublicKey publicKey, X509Certificate certificate) {

    public SigningKey {
        if (!KeyId.of(publicKey).equals(id)) {
            throw new IllegalArgumentException("key id " + id + " does not match the public key");
        }
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "SigningKey[" + id + ", valid " + notBefore() + " .. " + notAfter() + "]";
    }
}
