package io.checkpass.server.notify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.crypto.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * The centre's VAPID key (RFC 8292): a P-256 key pair whose public half is the wallets' {@code applicationServerKey},
 * so a push service takes messages for their subscriptions only from this centre. The private key is a PKCS#8 PEM
 * file the operator makes with {@code checkpass push keys} (or OpenSSL) and names in {@code push.vapid-key}; it is
 * never in the repository or the default configuration. Each request carries a JWT signed with it, ES256 on the
 * centre's {@link Es256}.
 */
public final class VapidKeys {
    /** How long a VAPID JWT holds; RFC 8292 §2 allows at most 24 hours. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER =
            B64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.US_ASCII));

    private final ECPrivateKey privateKey;
    private final byte[] publicKey;
    private final String subject;
    private final Es256 es256;

    VapidKeys(ECPrivateKey privateKey, String subject, Es256 es256) {
        this.privateKey = privateKey;
        this.publicKey = publicPoint(privateKey);
        this.subject = checkSubject(subject);
        this.es256 = es256;
    }

    /**
     * Reads the key file and checks it: a P-256 private key in a PKCS#8 PEM block, readable by this user only where
     * the file system says who may read.
     *
     * @param subject the operator's contact, a {@code mailto:} or {@code https:} URI (RFC 8292 §2.1, config
     *     {@code push.subject}); push services write to it when this centre misbehaves
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static VapidKeys load(Path file, String subject, Es256 es256) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("push.vapid-key: cannot read " + file + " (" + e.getMessage()
                    + "); make one with 'checkpass push keys --out " + file + "'");
        }
        ECPrivateKey key;
        try {
            key = Pem.readPrivateKey(pem, es256);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("push.vapid-key: " + file + " holds no PKCS#8 EC private key ("
                    + e.getMessage() + "); make one with 'checkpass push keys'");
        }
        if (!key.getParams().getOrder().equals(EcPoints.P256.getOrder())) {
            throw new IllegalArgumentException("push.vapid-key: " + file + " is not a P-256 key; VAPID signs ES256");
        }
        return new VapidKeys(key, subject, es256);
    }

    /**
     * Writes a new key pair as a PKCS#8 PEM file, readable by its owner only; refuses to overwrite one.
     *
     * @return the public key as {@link #applicationServerKey()} gives it
     */
    public static String generate(Path file, Es256 es256) throws IOException {
        KeyPair pair = es256.generateKeyPair();
        String pem = Pem.privateKey((ECPrivateKey) pair.getPrivate());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, "", StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        FilePermissions.ownerOnly(file);
        Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        return B64.encodeToString(EcPoints.uncompressed((ECPublicKey) pair.getPublic()));
    }

    /** The public key as wallets pass it to {@code pushManager.subscribe}: the uncompressed point, base64url. */
    public String applicationServerKey() {
        return B64.encodeToString(publicKey);
    }

    /**
     * The {@code Authorization} header for a request to {@code endpoint}'s push service (RFC 8292 §3): a JWT for the
     * endpoint's origin, valid for {@link #TOKEN_LIFETIME}, and the public key.
     */
    public String authorization(URI endpoint, Instant now) {
        String audience = endpoint.getScheme().toLowerCase(Locale.ROOT) + "://" + endpoint.getRawAuthority();
        var claims = JSON.createObjectNode()
                .put("aud", audience)
                .put("exp", now.plus(TOKEN_LIFETIME).getEpochSecond())
                .put("sub", subject);
        String signingInput =
                HEADER + "." + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        byte[] signature = es256.sign(privateKey, signingInput.getBytes(StandardCharsets.US_ASCII));
        return "vapid t=" + signingInput + "." + B64.encodeToString(signature) + ", k=" + applicationServerKey();
    }

    private static String checkSubject(String subject) {
        if (subject == null
                || !(subject.startsWith("mailto:") && subject.contains("@") || subject.startsWith("https://"))) {
            throw new IllegalArgumentException("push.subject = '" + subject
                    + "' must be the operator's contact, a mailto: or https: URI (e.g. mailto:push-ops@example.go.kr)");
        }
        return subject;
    }

    /** Q = d·G: the public point of a private key (the JCA has no call for it; BouncyCastle's curve arithmetic does). */
    private static byte[] publicPoint(ECPrivateKey key) {
        X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
        BigInteger d = key.getS();
        return curve.getG().multiply(d).normalize().getEncoded(false);
    }
}
