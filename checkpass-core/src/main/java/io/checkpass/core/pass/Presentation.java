package io.checkpass.core.pass;

import io.checkpass.core.codec.Base45;
import io.checkpass.core.codec.CborException;
import io.checkpass.core.codec.CborReader;
import io.checkpass.core.codec.CborWriter;
import java.nio.ByteBuffer;

/**
 * What a QR code carries (docs/pass-format.md §4): the credential, and for a device-bound pass the presentation
 * time and the device's signature over {@code tag ‖ SHA-256(credential) ‖ time}.
 *
 * <pre>
 * presentation = [credential: bstr]                              ; static pass
 *              / [credential: bstr, time: uint, devsig: bstr .size 64]   ; device-bound
 * </pre>
 *
 * @param credential      the COSE_Sign1 bytes exactly as issued
 * @param timestamp       presentation time in epoch seconds, or -1 for a static pass
 * @param deviceSignature raw ES256 signature, or null for a static pass
 */
public record Presentation(byte[] credential, long timestamp, byte[] deviceSignature) {

    public boolean hasDeviceProof() {
        return deviceSignature != null;
    }

    /** A static presentation of a credential. */
    public static Presentation ofStatic(byte[] credential) {
        return new Presentation(credential, -1, null);
    }

    public byte[] encode() {
        CborWriter w = new CborWriter(credential.length + 80);
        if (deviceSignature == null) {
            return w.array(1).bytes(credential).endArray().toBytes();
        }
        return w.array(3)
                .bytes(credential)
                .integer(timestamp)
                .bytes(deviceSignature)
                .endArray()
                .toBytes();
    }

    /** The QR text: {@code "CP1:" + Base45(encode())}. */
    public String toText() {
        return PassFormat.PREFIX + Base45.encode(encode());
    }

    /**
     * Decodes a presentation; the caller has already bounded its size.
     *
     * @throws CborException if it is not the structure above
     */
    public static Presentation decode(byte[] bytes) {
        CborReader in = CborReader.of(bytes);
        in.beginArray();
        byte[] credential = in.readBytes(PassFormat.MAX_CREDENTIAL_BYTES);
        if (!in.advanceUnlessArrayEnd()) {
            in.expectEnd();
            return ofStatic(credential);
        }
        long timestamp = in.currentLong(0, 253_402_300_799L);
        byte[] signature = in.readBytes(64);
        if (signature.length != 64) {
            throw new CborException("device signature must be 64 bytes");
        }
        in.endArray();
        in.expectEnd();
        return new Presentation(credential, timestamp, signature);
    }

    /** The bytes the device signs: {@code tag ‖ credentialHash (32) ‖ timestamp (8, big-endian)}. */
    public static byte[] deviceSigningInput(byte[] credentialHash, long timestamp) {
        return ByteBuffer.allocate(PassFormat.PRESENTATION_TAG.length + 32 + 8)
                .put(PassFormat.PRESENTATION_TAG)
                .put(credentialHash, 0, 32)
                .putLong(timestamp)
                .array();
    }
}
