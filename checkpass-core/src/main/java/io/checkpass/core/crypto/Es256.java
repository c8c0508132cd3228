package io.checkpass.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ECDSA P-256 with SHA-256 (COSE/JOSE "ES256") on the fastest JCA provider that works here.
 *
 * <p>Signatures are the raw 64-byte {@code r‖s} form that COSE and JWS use (IEEE P1363), never DER. Measured on
 * the project machine (docs/PERFORMANCE.md): Amazon Corretto Crypto Provider (AWS-LC) verifies about 20k P-256
 * signatures/s per core, BouncyCastle about 12k/s, SunEC about 2k/s, so selection tries them in that order.
 *
 * <p>{@link #verify} fails closed: a malformed key, signature or any provider error is simply {@code false}.
 */
public final class Es256 {
    private static final Logger log = LoggerFactory.getLogger(Es256.class);

    /** The provider families we know how to drive, in order of preference. */
    public enum Kind {
        ACCP("SHA256withECDSAinP1363Format"),
        BOUNCY_CASTLE("SHA256withPLAIN-ECDSA"),
        SUN_EC("SHA256withECDSAinP1363Format");

        final String rawSignatureAlgorithm;

        Kind(String rawSignatureAlgorithm) {
            this.rawSignatureAlgorithm = rawSignatureAlgorithm;
        }
    }

    /** System property (or, upper-cased with underscores, environment variable) that pins the provider. */
    public static final String PROVIDER_PROPERTY = "checkpass.crypto.provider";

    private final Kind kind;
    private final Provider provider;
    private final InstancePool<KeyFactory> keyFactories;
    private final InstancePool<Signature> signatures;
    /** Signers of token (PKCS#11) providers, pooled like the software ones; a handful of providers at most. */
    private final Map<Provider, InstancePool<Signature>> tokenSignatures = new ConcurrentHashMap<>();

    private Es256(Kind kind, Provider provider) throws GeneralSecurityException {
        this.kind = kind;
        this.provider = provider;
        // Probe once so a provider that loads but cannot do ES256 is rejected at selection, not at the door.
        KeyFactory.getInstance("EC", provider);
        Signature.getInstance(kind.rawSignatureAlgorithm, provider);
        this.signatures = new InstancePool<>(this::newSignature, 256);
        this.keyFactories = new InstancePool<>(this::newKeyFactory, 64);
    }

    private KeyFactory newKeyFactory() {
        try {
            return KeyFactory.getInstance("EC", provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("provider " + provider.getName() + " lost its EC KeyFactory", e);
        }
    }

    private Signature newSignature() {
        try {
            return Signature.getInstance(kind.rawSignatureAlgorithm, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "provider " + provider.getName() + " lost " + kind.rawSignatureAlgorithm, e);
        }
    }

    /**
     * Selects the provider: the one named by {@value #PROVIDER_PROPERTY} ({@code accp}, {@code bc}, {@code sunec})
     * if set, else the first of ACCP, BouncyCastle and SunEC that loads. Logs the choice.
     */
    public static Es256 select() {
        String pinned = System.getProperty(PROVIDER_PROPERTY, System.getenv("CHECKPASS_CRYPTO_PROVIDER"));
        if (pinned != null && !pinned.isBlank() && !pinned.equalsIgnoreCase("auto")) {
            Kind kind = switch (pinned.trim().toLowerCase(Locale.ROOT)) {
                case "accp" -> Kind.ACCP;
                case "bc", "bouncycastle" -> Kind.BOUNCY_CASTLE;
                case "sunec", "sun" -> Kind.SUN_EC;
                default ->
                    throw new IllegalArgumentException(
                            PROVIDER_PROPERTY + "=" + pinned + " is not a provider; use auto, accp, bc or sunec");
            };
            Es256 es256 = of(kind);
            log.info("ES256 provider: {} (pinned by {})", es256.describe(), PROVIDER_PROPERTY);
            return es256;
        }
        for (Kind kind : Kind.values()) {
            try {
                Es256 es256 = of(kind);
                log.info("ES256 provider: {}", es256.describe());
                return es256;
            } catch (RuntimeException e) {
                log.warn("ES256 provider {} unavailable, trying the next: {}", kind, e.getMessage());
            }
        }
        throw new IllegalStateException("no ES256 provider is available");
    }

    /**
     * The given provider family.
     *
     * @throws IllegalStateException if it cannot load here (for example ACCP off linux-x86_64)
     */
    public static Es256 of(Kind kind) {
        try {
            return new Es256(kind, load(kind));
        } catch (GeneralSecurityException | LinkageError e) {
            throw new IllegalStateException(kind + " cannot do ES256 here: " + e, e);
        }
    }

    private static Provider load(Kind kind) {
        return switch (kind) {
            case ACCP -> Accp.healthyInstance();
            case BOUNCY_CASTLE -> new BouncyCastleProvider();
            case SUN_EC -> Objects.requireNonNull(Security.getProvider("SunEC"), "SunEC is not installed");
        };
    }

    public Kind kind() {
        return kind;
    }

    public Provider provider() {
        return provider;
    }

    /** For logs and reports: name, version and family, e.g. "AmazonCorrettoCryptoProvider 2.5 (ACCP)". */
    public String describe() {
        return provider.getName() + " " + provider.getVersionStr() + " (" + kind + ")";
    }

    public KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key with " + describe(), e);
        }
    }

    /**
     * Signs {@code message} with {@code key}; returns the 64-byte raw signature. A software key is signed with this
     * provider's pooled signers; a key inside a token (an HSM) is signed by the token, through its own provider,
     * since no software provider can use a key it cannot read.
     */
    public byte[] sign(SigningKey key, byte[] message) {
        if (key.token().isEmpty()) {
            return sign(key.privateKey(), message);
        }
        Provider token = key.token().get();
        InstancePool<Signature> pool =
                tokenSignatures.computeIfAbsent(token, p -> new InstancePool<>(() -> newTokenSignature(p), 64));
        Signature signer = pool.borrow();
        try {
            signer.initSign(key.privateKey());
            signer.update(message);
            byte[] signature = signer.sign();
            pool.release(signer);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "ES256 signing failed in token " + token.getName() + " with key " + key.id(), e);
        }
    }

    private static Signature newTokenSignature(Provider token) {
        try {
            // P1363 gives the raw r‖s that COSE and JWS want; SunPKCS11 has it for CKM_ECDSA.
            return Signature.getInstance(Kind.SUN_EC.rawSignatureAlgorithm, token);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "token provider " + token.getName() + " cannot sign " + Kind.SUN_EC.rawSignatureAlgorithm, e);
        }
    }

    /** Signs {@code message} with a software key of this provider; returns the 64-byte raw signature. */
    public byte[] sign(PrivateKey key, byte[] message) {
        Signature signer = signatures.borrow();
        try {
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            signatures.release(signer);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed with " + describe(), e);
        }
    }

    /** True only if {@code signature} is a valid raw ES256 signature of {@code message} under {@code key}. */
    public boolean verify(PublicKey key, byte[] message, byte[] signature) {
        return verify(key, message, 0, message.length, signature);
    }

    /** As {@link #verify(PublicKey, byte[], byte[])}, over {@code message[offset, offset+length)}. */
    public boolean verify(PublicKey key, byte[] message, int offset, int length, byte[] signature) {
        if (signature == null || signature.length != 64) {
            return false;
        }
        Signature verifier = signatures.borrow();
        try {
            verifier.initVerify(key);
            verifier.update(message, offset, length);
            boolean valid = verifier.verify(signature);
            signatures.release(verifier);
            return valid;
        } catch (GeneralSecurityException | RuntimeException e) {
            // Not returned to the pool: a provider that threw may have left it in any state.
            return false;
        }
    }

    /**
     * A P-256 public key from its SEC 1 encoding, compressed (33 bytes) or uncompressed (65 bytes), as a key
     * object native to this provider. The point is checked to lie on the curve.
     *
     * @throws IllegalArgumentException if the bytes are not a P-256 point
     */
    public ECPublicKey publicKey(byte[] sec1Point) {
        return withKeyFactory(
                f -> (ECPublicKey) f.generatePublic(new ECPublicKeySpec(EcPoints.decode(sec1Point), EcPoints.P256)),
                "not a P-256 public key");
    }

    /** Re-creates a key loaded elsewhere (e.g. from PKCS#12) as this provider's own type, for speed. */
    public ECPublicKey importPublic(ECPublicKey key) {
        return withKeyFactory(
                f -> (ECPublicKey) f.generatePublic(new ECPublicKeySpec(key.getW(), EcPoints.P256)),
                "not a P-256 public key");
    }

    /** Re-creates a private key as this provider's own type. */
    public ECPrivateKey importPrivate(PrivateKey key) {
        return withKeyFactory(
                f -> (ECPrivateKey) f.generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded())),
                "not a P-256 private key");
    }

    @FunctionalInterface
    private interface KeyOperation<T> {
        T apply(KeyFactory factory) throws GeneralSecurityException;
    }

    private <T> T withKeyFactory(KeyOperation<T> operation, String failure) {
        KeyFactory factory = keyFactories.borrow();
        try {
            T result = operation.apply(factory);
            keyFactories.release(factory);
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(failure, e);
        }
    }
}
