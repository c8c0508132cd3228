package io.checkpass.core.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signing keys in a PKCS#12 keystore, one alias per role. The JDK keystore needs a certificate beside each
 * private key; we make a self-signed one whose validity is the key's validity window in the trust bundle.
 */
public final class KeyStores {
    /** Alias of the pass issuer key. */
    public static final String ISSUER = "issuer";
    /** Alias of the key that signs trust bundles. */
    public static final String BUNDLE = "bundle";

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyStores() {}

    /** A fresh key with a self-signed certificate valid over {@code [notBefore, notAfter]}. */
    public static SigningKey generate(Es256 es256, String commonName, Instant notBefore, Instant notAfter) {
        KeyPair pair = es256.generateKeyPair();
        ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
        X509Certificate certificate = selfSigned(pair, commonName, notBefore, notAfter, es256.provider());
        return new SigningKey(KeyId.of(publicKey), es256.importPrivate(pair.getPrivate()), publicKey, certificate);
    }

    /**
     * The self-signed certificate that carries a key's validity window, signed by {@code signer}: the software
     * provider for a software key, the token's provider for a key that never leaves its token.
     */
    public static X509Certificate selfSigned(
            KeyPair pair, String commonName, Instant notBefore, Instant notAfter, Provider signer) {
        try {
            var builder = new JcaX509v3CertificateBuilder(
                    new X500Name("CN=" + commonName),
                    new BigInteger(64, RANDOM),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    new X500Name("CN=" + commonName),
                    pair.getPublic());
            var contentSigner = new JcaContentSignerBuilder("SHA256withECDSA")
                    .setProvider(signer)
                    .build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate for " + commonName, e);
        }
    }

    /** Writes the keys to a new PKCS#12 file, readable only by its owner where the file system allows. */
    public static void write(Path file, char[] password, Map<String, SigningKey> keys) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (var entry : keys.entrySet()) {
                store.setKeyEntry(entry.getKey(), entry.getValue().privateKey(), password, new Certificate[] {
                    entry.getValue().certificate()
                });
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, password);
            }
            FilePermissions.ownerOnly(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write keystore " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads every key entry of a PKCS#12 file, converted to {@code es256}'s provider.
     *
     * @throws IOException with a message that names the file and the likely fix
     */
    public static Map<String, SigningKey> read(Path file, char[] password, Es256 es256) throws IOException {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IOException("keystore " + file + " does not exist; create one with 'checkpass keys new'", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IOException("keystore " + file + ": wrong password", e);
            }
            throw new IOException("keystore " + file + " is not a readable PKCS#12 file (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("keystore " + file + " is corrupt: " + e.getMessage(), e);
        }
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                Certificate certificate = store.getCertificate(alias);
                if (!(key instanceof PrivateKey privateKey)
                        || !(certificate instanceof X509Certificate x509)
                        || !(x509.getPublicKey() instanceof ECPublicKey publicKey)) {
                    throw new IOException(
                            "keystore " + file + ": entry '" + alias + "' is not a P-256 key with a certificate");
                }
                ECPublicKey nativePublic = es256.importPublic(publicKey);
                keys.put(
                        alias,
                        new SigningKey(KeyId.of(nativePublic), es256.importPrivate(privateKey), nativePublic, x509));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("keystore " + file + ": cannot read a key (" + e.getMessage() + ")", e);
        }
        return keys;
    }
}
