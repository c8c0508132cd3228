package io.checkpass.server.notify.push;

import io.checkpass.core.crypto.EcPoints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPublicKeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Message encryption for Web Push (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188), with the JDK's own
 * crypto: ECDH on P-256 between a fresh key pair and the browser's subscription key, HKDF (RFC 5869, from
 * HMAC-SHA256) keyed by the subscription's auth secret, then one AES-128-GCM record. docs/adr/0018 says why this is
 * written here rather than taken from a library; {@code WebPushEncryptionTest} holds it to RFC 8291's appendix A.
 *
 * <p>A push message is one record: the push services take at most 4096 bytes of body, so the plaintext is bounded
 * by {@link #MAX_PLAINTEXT_BYTES} and the record size is fixed at 4096.
 */
public final class WebPushEncryption {
    /** The record size the header announces (RFC 8291 §4: push services need not take more than 4096 bytes). */
    static final int RECORD_SIZE = 4096;

    private static final int SALT_BYTES = 16;
    private static final int TAG_BYTES = 16;
    private static final int KEY_BYTES = 65;
    private static final int HEADER_BYTES = SALT_BYTES + 4 + 1 + KEY_BYTES;

    /** The longest plaintext one 4096-byte body carries: header, the padding delimiter and the GCM tag take the rest. */
    public static final int MAX_PLAINTEXT_BYTES = RECORD_SIZE - HEADER_BYTES - 1 - TAG_BYTES;

    private static final byte[] WEBPUSH_INFO = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);

    private final SecureRandom random;

    public WebPushEncryption(SecureRandom random) {
        this.random = random;
    }

    /**
     * Encrypts {@code plaintext} for one subscription with a fresh application-server key pair and salt.
     *
     * @param uaPublic   the subscription's {@code p256dh} key, 65 bytes uncompressed
     * @param authSecret the subscription's {@code auth} secret, 16 bytes
     * @return the request body: the aes128gcm header (salt, record size, the sender's public key), then the record
     */
    public byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            return encrypt(plaintext, uaPublic, authSecret, generator.generateKeyPair(), salt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a P-256 key pair", e);
        }
    }

    /** As {@link #encrypt(byte[], byte[], byte[])} with a given sender key pair and salt (RFC 8291 appendix A). */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, KeyPair asKeys, byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT_BYTES) {
            throw new IllegalArgumentException("a push message carries at most " + MAX_PLAINTEXT_BYTES
                    + " bytes of plaintext, got " + plaintext.length);
        }
        if (authSecret.length != 16) {
            throw new IllegalArgumentException("the auth secret has 16 bytes, got " + authSecret.length);
        }
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("the salt has 16 bytes, got " + salt.length);
        }
        try {
            byte[] asPublic = EcPoints.uncompressed((ECPublicKey) asKeys.getPublic());
            byte[] ecdhSecret = ecdh((ECPrivateKey) asKeys.getPrivate(), uaPublic);
            // RFC 8291 §3.4: the auth secret and both public keys go into the input keying material.
            byte[] keyInfo = concat(WEBPUSH_INFO, uaPublic, asPublic);
            byte[] ikm = hkdfExpand(hmac(authSecret, ecdhSecret), keyInfo, 32);
            // RFC 8188 §2.2, §2.3: the content-encryption key and the nonce from the salt.
            byte[] prk = hmac(salt, ikm);
            byte[] cek = hkdfExpand(prk, CEK_INFO, 16);
            byte[] nonce = hkdfExpand(prk, NONCE_INFO, 12);
            // One record, the last: the plaintext, then the delimiter 0x02, and no further padding.
            byte[] record = new byte[plaintext.length + 1];
            System.arraycopy(plaintext, 0, record, 0, plaintext.length);
            record[plaintext.length] = 0x02;
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            byte[] sealed = gcm.doFinal(record);
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length)
                    .put(salt)
                    .putInt(RECORD_SIZE)
                    .put((byte) KEY_BYTES)
                    .put(asPublic)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Web Push encryption failed: " + e.getMessage(), e);
        }
    }

    /** ECDH on P-256 with the JDK's provider; the browser's point is checked to lie on the curve first. */
    private static byte[] ecdh(ECPrivateKey mine, byte[] theirs) throws GeneralSecurityException {
        ECPublicKey peer = (ECPublicKey) KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(EcPoints.decode(theirs), EcPoints.P256));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(mine);
        agreement.doPhase(peer, true);
        return agreement.generateSecret();
    }

    /** HMAC-SHA256: HKDF-Extract is HMAC(salt, ikm) (RFC 5869 §2.2). */
    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** HKDF-Expand for at most one block (32 bytes), all RFC 8291 needs: T(1) = HMAC(PRK, info ‖ 0x01). */
    private static byte[] hkdfExpand(byte[] prk, byte[] info, int length) throws GeneralSecurityException {
        byte[] block = hmac(prk, concat(info, new byte[] {1}));
        byte[] out = new byte[length];
        System.arraycopy(block, 0, out, 0, length);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }
}
