package io.checkpass.core.foreign.dcc;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (COSE "PS256"), which some DCC issuers sign with.
 * Tries the selected provider first (ACCP is several times faster than SunRsaSign), then the JDK default.
 * Fails closed: any error is {@code false}.
 */
final class Ps256 {
    private static final PSSParameterSpec PARAMETERS =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

    private Ps256() {}

    static boolean verify(Provider preferred, PublicKey key, byte[] message, byte[] signature) {
        try {
            return verifyWith(Signature.getInstance("RSASSA-PSS", preferred), key, message, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            try {
                return verifyWith(Signature.getInstance("RSASSA-PSS"), key, message, signature);
            } catch (GeneralSecurityException | RuntimeException fallback) {
                return false;
            }
        }
    }

    private static boolean verifyWith(Signature verifier, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        verifier.setParameter(PARAMETERS);
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
