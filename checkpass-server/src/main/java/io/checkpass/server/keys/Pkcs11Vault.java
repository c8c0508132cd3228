package io.checkpass.server.keys;

import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.login.FailedLoginException;

/**
 * The centre's signing keys inside a PKCS#11 token (an HSM, or SoftHSM2 in tests), reached through the JDK's own
 * SunPKCS11 provider. The private keys never leave the token: keys generated here are sensitive and not
 * extractable, and every signature with them is made by the token ({@link Es256#sign(SigningKey, byte[])} routes it
 * there). Public keys are copied into the ES256 software provider, so verification stays in software.
 *
 * <p>A PKCS#11 key store lists a private key only if a certificate with the same {@code CKA_ID} sits beside it,
 * which is why every key here has its self-signed certificate, as in the PKCS#12 file.
 */
public final class Pkcs11Vault implements KeyVault {
    private final Provider provider;
    private final KeyStore store;
    private final Es256 es256;
    private final String description;

    private Pkcs11Vault(Provider provider, KeyStore store, Es256 es256, String description) {
        this.provider = provider;
        this.store = store;
        this.es256 = es256;
        this.description = description;
    }

    /**
     * Logs in to the token in slot {@code slotListIndex} of the PKCS#11 module {@code library}.
     *
     * @throws IOException naming the module, the slot and the fix: a module that does not load, no token in that
     *     slot, or a wrong PIN
     */
    public static Pkcs11Vault open(Path library, int slotListIndex, char[] pin, Es256 es256) throws IOException {
        String description = "PKCS#11 token at slot list index " + slotListIndex + " of " + library;
        if (!Files.isRegularFile(library)) {
            throw new IOException("keys.pkcs11.library = " + library + " does not exist; install the HSM's PKCS#11"
                    + " module (SoftHSM2: apt-get install softhsm2) and give its path");
        }
        Provider provider;
        try {
            provider = Security.getProvider("SunPKCS11").configure("--" + providerConfig(library, slotListIndex));
        } catch (ProviderException | IllegalArgumentException e) {
            throw new IOException(
                    "cannot open the " + description + " (" + rootMessage(e) + "); check keys.pkcs11.library and"
                            + " keys.pkcs11.slot-list-index, and that the token is initialised (for SoftHSM2, that"
                            + " SOFTHSM2_CONF names its configuration)",
                    e);
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
        } catch (IOException e) {
            if (causedBy(e, FailedLoginException.class)) {
                throw new IOException(
                        "the " + description + " refused the PIN; set " + KeyVaults.PIN_ENV
                                + " or keys.pkcs11.pin-file to the token's user PIN",
                        e);
            }
            throw new IOException("cannot log in to the " + description + ": " + rootMessage(e), e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new IOException("cannot log in to the " + description + ": " + rootMessage(e), e);
        }
        return new Pkcs11Vault(provider, store, es256, description);
    }

    /**
     * The SunPKCS11 configuration. Keys generated through the provider would otherwise be stored as not sensitive,
     * so the attributes line makes every private key it generates sensitive and not extractable.
     */
    static String providerConfig(Path library, int slotListIndex) {
        return """
                name = checkpass
                library = "%s"
                slotListIndex = %d
                attributes(generate, CKO_PRIVATE_KEY, *) = {
                  CKA_SENSITIVE = true
                  CKA_EXTRACTABLE = false
                }
                """.formatted(library.toAbsolutePath(), slotListIndex);
    }

    /** The SunPKCS11 provider instance bound to this token, which must make every signature with its keys. */
    public Provider provider() {
        return provider;
    }

    @Override
    public synchronized Map<String, SigningKey> keys() throws IOException {
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    key(alias).ifPresent(key -> keys.put(alias, key));
                }
            }
        } catch (GeneralSecurityException | ProviderException e) {
            throw new IOException("cannot list the keys of the " + description + ": " + rootMessage(e), e);
        }
        return keys;
    }

    private Optional<SigningKey> key(String alias) throws GeneralSecurityException, IOException {
        Key key = store.getKey(alias, null);
        Certificate certificate = store.getCertificate(alias);
        if (!(key instanceof PrivateKey privateKey)) {
            return Optional.empty();
        }
        if (!privateKey.getAlgorithm().equals("EC")
                || !(certificate instanceof X509Certificate x509)
                || !(x509.getPublicKey() instanceof ECPublicKey publicKey)
                || !publicKey.getParams().getOrder().equals(EcPoints.P256.getOrder())) {
            throw new IOException("the " + description + " holds '" + alias + "', which is not a P-256 key with a"
                    + " certificate; give the centre's keys other aliases, or remove it");
        }
        ECPublicKey software = es256.importPublic(publicKey);
        return Optional.of(new SigningKey(KeyId.of(software), privateKey, software, x509, Optional.of(provider)));
    }

    @Override
    public synchronized SigningKey generate(String alias, String commonName, Instant notBefore, Instant notAfter)
            throws IOException {
        try {
            if (store.containsAlias(alias)) {
                throw new IOException("the " + description + " already holds '" + alias
                        + "'; keys are never overwritten, choose another alias");
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            // The token signs its own key's certificate: the private key cannot leave it.
            X509Certificate certificate = KeyStores.selfSigned(pair, commonName, notBefore, notAfter, provider);
            // Stores the key as a token object under the certificate's CKA_ID, so the key store lists it.
            store.setKeyEntry(alias, pair.getPrivate(), null, new Certificate[] {certificate});
            return key(alias)
                    .orElseThrow(() -> new IOException("the " + description + " did not keep the key '" + alias + "'"));
        } catch (GeneralSecurityException | ProviderException | IllegalStateException e) {
            throw new IOException("cannot generate '" + alias + "' in the " + description + ": " + rootMessage(e), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * Does not log out: PKCS#11 login state belongs to the whole process and library, so logging out here would
     * also log out any other vault on the same token (a restart overlapping, a {@code keys} command in tests).
     */
    @Override
    public void close() {}

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
    }
}
