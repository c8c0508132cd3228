package io.checkpass.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text for P-256 keys: "PUBLIC KEY" (SubjectPublicKeyInfo) and "PRIVATE KEY" (PKCS#8) blocks. */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Pem() {}

    public static String publicKey(ECPublicKey key) {
        return block("PUBLIC KEY", key.getEncoded());
    }

    public static String privateKey(ECPrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    public static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /**
     * The DER bytes of the first block of {@code type}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static byte[] read(String pem, String type) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                return Base64.getMimeDecoder().decode(m.group(2));
            }
        }
        throw new IllegalArgumentException("no PEM block '" + type + "'");
    }

    public static ECPublicKey readPublicKey(String pem, Es256 es256) {
        try {
            var key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(read(pem, "PUBLIC KEY")));
            if (!(key instanceof ECPublicKey ec)
                    || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("the PUBLIC KEY is not a P-256 key");
            }
            return es256.importPublic(ec);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PUBLIC KEY block is not a valid EC key", e);
        }
    }

    public static ECPrivateKey readPrivateKey(String pem, Es256 es256) {
        try {
            var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(read(pem, "PRIVATE KEY")));
            return es256.importPrivate(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PRIVATE KEY block is not a valid EC key", e);
        }
    }
}
