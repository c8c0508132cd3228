package io.checkpass.server.visits;

import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.registry.PhoneNumber;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protects the contact data of CALL and MANUAL check-ins (phone number, name) in the visit log: AES-256-GCM
 * ciphertext for resolution by a tracer, and an HMAC-SHA256 of the canonical phone number ({@link PhoneNumber}) so a trace can find
 * a number's visits by exact match without decrypting the table. Both keys live outside the database —
 * {@code <keys>/visit-data.key} (0600) or {@value #KEY_ENV} — so a database dump alone reveals no one.
 *
 * <p>Ciphertext layout: {@code nonce (12) ‖ AES-GCM(plaintext) ‖ tag (16)}, AAD = the HMAC, which binds each
 * ciphertext to its lookup value.
 */
public final class ContactCipher {
    public static final String KEY_FILE = "visit-data.key";
    public static final String KEY_ENV = "CHECKPASS_VISIT_DATA_KEY";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec hmacKey;

    private ContactCipher(byte[] keyMaterial) {
        if (keyMaterial.length != 64) {
            throw new IllegalArgumentException(
                    "visit-data key must be 64 bytes (32 AES + 32 HMAC), got " + keyMaterial.length);
        }
        this.encryptionKey = new SecretKeySpec(Arrays.copyOfRange(keyMaterial, 0, 32), "AES");
        this.hmacKey = new SecretKeySpec(Arrays.copyOfRange(keyMaterial, 32, 64), "HmacSHA256");
    }

    /** The key from {@value #KEY_ENV} (base64, 64 bytes) if set, else from the key directory, created on first use. */
    public static ContactCipher open(Path keysDir, Optional<String> fromEnvironment) throws IOException {
        if (fromEnvironment.isPresent() && !fromEnvironment.get().isBlank()) {
            try {
                return new ContactCipher(
                        Base64.getDecoder().decode(fromEnvironment.get().trim()));
            } catch (IllegalArgumentException e) {
                throw new IOException(KEY_ENV + " must be 64 bytes in base64 (" + e.getMessage() + ")", e);
            }
        }
        Path file = keysDir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            Files.createDirectories(keysDir);
            byte[] fresh = new byte[64];
            RANDOM.nextBytes(fresh);
            Files.write(file, Base64.getEncoder().encode(fresh));
            FilePermissions.ownerOnly(file);
        }
        try {
            return new ContactCipher(
                    Base64.getDecoder().decode(Files.readString(file).trim()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a 64-byte base64 key: " + e.getMessage(), e);
        }
    }

    /**
     * A stable, keyed pseudonym for an identity in an old audit entry ({@code pseudonym:} and 32 hex digits): the
     * same identity always gets the same pseudonym, so an auditor can still count what one person's entries did,
     * but without the key nobody can tell whose they were. Domain-separated from the contacts' lookup HMAC.
     */
    public String pseudonym(String identity) {
        return "pseudonym:"
                + HexFormat.of()
                        .formatHex(Arrays.copyOf(
                                hmac(("audit-pseudonym\0" + identity).getBytes(StandardCharsets.UTF_8)), 16));
    }

    /** The lookup value of a phone number: the HMAC of its canonical digits. */
    public byte[] hmac(PhoneNumber phone) {
        return hmac(phone.digits().getBytes(StandardCharsets.UTF_8));
    }

    private byte[] hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is mandatory in every JDK", e);
        }
    }

    /** Encrypts "phone\nname" with the HMAC as associated data. */
    public byte[] seal(PhoneNumber phone, Optional<String> name, byte[] hmac) {
        byte[] plain = (phone.digits() + "\n" + name.orElse("")).getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(hmac);
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(12 + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** A decrypted contact; {@code phone} is the canonical digits it was sealed with. */
    public record Contact(String phone, Optional<String> name) {}

    /**
     * Decrypts a contact.
     *
     * @throws IllegalStateException if the ciphertext was altered or sealed under another key
     */
    public Contact open(byte[] sealed, byte[] hmac) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, sealed, 0, 12));
            cipher.updateAAD(hmac);
            String plain = new String(cipher.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
            int newline = plain.indexOf('\n');
            String name = plain.substring(newline + 1);
            return new Contact(plain.substring(0, newline), name.isEmpty() ? Optional.empty() : Optional.of(name));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException(
                    "a contact in the visit log does not decrypt: altered, or sealed under another key", e);
        }
    }
}
