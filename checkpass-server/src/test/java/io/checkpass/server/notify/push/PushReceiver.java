package io.checkpass.server.notify.push;

import io.checkpass.core.crypto.EcPoints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The browser's half of RFC 8291, written apart from {@link WebPushEncryption} and only for tests: a subscription's
 * keys, and the decryption of an aes128gcm body the way a user agent does it (header parsed, every record's padding
 * checked), so a test proves that what the centre sent opens with the subscription's private key and auth secret.
 */
final class PushReceiver {
    final ECPrivateKey privateKey;
    final byte[] publicKey;
    final byte[] authSecret;

    PushReceiver(ECPrivateKey privateKey, byte[] publicKey, byte[] authSecret) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.authSecret = authSecret;
    }

    static PushReceiver fresh() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] auth = new byte[16];
        new java.security.SecureRandom().nextBytes(auth);
        return new PushReceiver(
                (ECPrivateKey) pair.getPrivate(), EcPoints.uncompressed((ECPublicKey) pair.getPublic()), auth);
    }

    byte[] decrypt(byte[] body) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        in.get(salt);
        int recordSize = in.getInt();
        byte[] keyId = new byte[in.get() & 0xff];
        in.get(keyId);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        if (ciphertext.length > recordSize) {
            throw new IllegalArgumentException("one record only expected");
        }
        ECPublicKey sender = (ECPublicKey)
                KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(EcPoints.decode(keyId), EcPoints.P256));
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(privateKey);
        ka.doPhase(sender, true);
        byte[] shared = ka.generateSecret();
        byte[] info = cat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), publicKey, keyId);
        byte[] ikm = expand(extract(authSecret, shared), info, 32);
        byte[] prk = extract(salt, ikm);
        byte[] cek = expand(prk, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = expand(prk, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = gcm.doFinal(ciphertext);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        if (end < 0 || padded[end] != 2) {
            throw new IllegalArgumentException("the last record lacks its 0x02 delimiter");
        }
        return Arrays.copyOf(padded, end);
    }

    private static byte[] extract(byte[] salt, byte[] ikm) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        return mac.doFinal(ikm);
    }

    private static byte[] expand(byte[] prk, byte[] info, int length) throws Exception {
        return Arrays.copyOf(extract(prk, cat(info, new byte[] {1})), length);
    }

    private static byte[] cat(byte[]... parts) {
        ByteBuffer out =
                ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }
}
