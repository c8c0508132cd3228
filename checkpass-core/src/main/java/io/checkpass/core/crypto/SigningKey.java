package io.checkpass.core.crypto;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A P-256 key pair that signs (an issuer key or the bundle key), with the self-signed certificate that carries
 * its validity window and lets PKCS#12 and PKCS#11 stores hold it.
 *
 * @param privateKey a software key of the ES256 provider's own type, or a handle to a key inside a token; a
 *                   token's sensitive key is not an {@code ECPrivateKey}, since its scalar never leaves the token
 * @param token      the provider of the token (HSM) that holds the private key and must make its signatures; empty
 *                   for a software key, which {@link Es256} signs with its own pooled provider
 */
public record SigningKey(
        KeyId id, PrivateKey privateKey, ECPublicKey publicKey, X509Certificate certificate, Optional<Provider> token) {

    public SigningKey {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(token, "token");
        if (!KeyId.of(publicKey).equals(id)) {
            throw new IllegalArgumentException("key id " + id + " does not match the public key");
        }
    }

    /** A software key: the private key is in memory and the ES256 provider signs with it. */
    public SigningKey(KeyId id, PrivateKey privateKey, ECPublicKey publicKey, X509Certificate certificate) {
        this(id, privateKey, publicKey, certificate, Optional.empty());
    }

    /** True if the private key stays inside a token (an HSM), which signs with it. */
    public boolean inToken() {
        return token.isPresent();
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "SigningKey[" + id + ", valid " + notBefore() + " .. " + notAfter()
                + token.map(p -> ", in token " + p.getName()).orElse("") + "]";
    }
}
