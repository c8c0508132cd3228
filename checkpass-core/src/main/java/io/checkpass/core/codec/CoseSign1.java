package io.checkpass.core.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A decoded COSE_Sign1 structure (RFC 9052 §4.2): {@code [protected: bstr, unprotected: map, payload: bstr,
 * signature: bstr]}, optionally behind tag 18. Only the header parameters we act on are kept: alg (1), kid (4,
 * protected first, then unprotected) and x5chain (33).
 *
 * <p>{@link #algorithm()} is the protected alg only; a message without one has {@link #ALG_ABSENT} there, and
 * {@link #algorithmAnywhere()} also looks at the unprotected header, which some EU DCC issuers used.
 *
 * <p>Decoding checks structure only; nothing here is trusted until a verifier checks {@link #signature()} over
 * {@link #toBeSigned(byte[])}.
 */
public record CoseSign1(
        byte[] protectedBytes,
        int algorithm,
        int unprotectedAlgorithm,
        byte[] protectedKid,
        byte[] unprotectedKid,
        List<byte[]> x5chain,
        byte[] payload,
        byte[] signature) {

    public static final int TAG = 18;
    /** The CWT tag (RFC 8392), which may wrap a tagged COSE_Sign1. */
    public static final int CWT_TAG = 61;

    public static final int ALG_ES256 = -7;
    public static final int ALG_PS256 = -37;
    /** Header label of the algorithm. */
    public static final int HEADER_ALG = 1;
    /** Header label of the key id. */
    public static final int HEADER_KID = 4;
    /** Header label of an X.509 chain (RFC 9360). */
    public static final int HEADER_X5CHAIN = 33;

    private static final byte[] SIGNATURE1 = "Signature1".getBytes(StandardCharsets.US_ASCII);
    /** The value of {@link #algorithm()} when the protected header has no alg. */
    public static final int ALG_ABSENT = Integer.MIN_VALUE;

    /**
     * The protected alg, else the unprotected one. The signature does not cover an unprotected alg, so use this only
     * where the trusted key's type fixes the algorithm anyway.
     */
    public int algorithmAnywhere() {
        return algorithm != ALG_ABSENT ? algorithm : unprotectedAlgorithm;
    }

    /** The key id from the protected header if present, else from the unprotected one, else null. */
    public byte[] kid() {
        return protectedKid != null ? protectedKid : unprotectedKid;
    }

    /**
     * Decodes a COSE_Sign1.
     *
     * @param maxHeaderBytes bound on each header's encoding and on each x5chain certificate
     * @param maxPayload     bound on the payload
     * @throws CborException on any structural problem
     */
    public static CoseSign1 decode(byte[] data, int maxHeaderBytes, int maxPayload) {
        CborReader in = CborReader.of(data);
        in.beginArray();
        int tags = in.tagCount();
        boolean tagsAllowed =
                tags == 0 || tags == 1 && in.hasTag(TAG) || tags == 2 && in.tag() == CWT_TAG && in.hasTag(TAG);
        if (!tagsAllowed) {
            throw new CborException("COSE message has tag " + in.tag()
                    + ", expected COSE_Sign1 (18), optionally inside a CWT tag (61)");
        }
        byte[] protectedBytes = in.readBytes(maxHeaderBytes);
        int alg = ALG_ABSENT;
        byte[] protectedKid = null;
        if (protectedBytes.length > 0) {
            CborReader header = CborReader.of(protectedBytes);
            header.beginMap();
            for (int key = header.nextIntKey(); key != Integer.MIN_VALUE; key = header.nextIntKey()) {
                switch (key) {
                    case HEADER_ALG -> alg = (int) header.readLong(Integer.MIN_VALUE + 1, Integer.MAX_VALUE);
                    case HEADER_KID -> protectedKid = header.readBytes(64);
                    default -> header.skipValue();
                }
            }
            header.expectEnd();
        }
        byte[] unprotectedKid = null;
        int unprotectedAlg = ALG_ABSENT;
        List<byte[]> x5chain = List.of();
        in.beginMap();
        for (String key = in.nextTextKey(); key != null; key = in.nextTextKey()) {
            int label = parseLabel(key);
            if (label == HEADER_ALG) {
                unprotectedAlg = (int) in.readLong(Integer.MIN_VALUE + 1, Integer.MAX_VALUE);
            } else if (label == HEADER_KID) {
                unprotectedKid = in.readBytes(64);
            } else if (label == HEADER_X5CHAIN) {
                x5chain = readChain(in, maxHeaderBytes);
            } else {
                in.skipValue();
            }
        }
        byte[] payload = in.readBytes(maxPayload);
        byte[] signature = in.readBytes(1024);
        in.endArray();
        in.expectEnd();
        if (alg == ALG_ABSENT && unprotectedAlg == ALG_ABSENT) {
            throw new CborException("COSE message has no algorithm");
        }
        return new CoseSign1(
                protectedBytes, alg, unprotectedAlg, protectedKid, unprotectedKid, x5chain, payload, signature);
    }

    /** Unprotected headers may use text labels; those are never ours, so they map to 0 (ignored). */
    private static int parseLabel(String key) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** x5chain is one bstr, or an array of them for a chain (RFC 9360 §2). */
    private static List<byte[]> readChain(CborReader in, int maxCertificateBytes) {
        return in.readOneOrMoreBytes(maxCertificateBytes, 8);
    }

    /** The Sig_structure this message's signature covers (RFC 9052 §4.4). */
    public byte[] toBeSigned(byte[] externalAad) {
        return toBeSigned(protectedBytes, externalAad, payload);
    }

    /** The Sig_structure {@code ["Signature1", protected, external_aad, payload]}, written directly. */
    public static byte[] toBeSigned(byte[] protectedBytes, byte[] externalAad, byte[] payload) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(32 + protectedBytes.length + externalAad.length + payload.length);
        out.write(0x84);
        writeHeader(out, 3, SIGNATURE1.length);
        out.writeBytes(SIGNATURE1);
        writeHeader(out, 2, protectedBytes.length);
        out.writeBytes(protectedBytes);
        writeHeader(out, 2, externalAad.length);
        out.writeBytes(externalAad);
        writeHeader(out, 2, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The protected header {@code {1: alg, 4: kid}} in deterministic encoding. */
    public static byte[] protectedHeader(int alg, byte[] kid) {
        return new CborWriter(16)
                .map(2)
                .key(HEADER_ALG)
                .integer(alg)
                .key(HEADER_KID)
                .bytes(kid)
                .endMap()
                .toBytes();
    }

    /**
     * Encodes an untagged COSE_Sign1.
     *
     * @param x5chain certificates to put in the unprotected header, or an empty list
     */
    public static byte[] encode(byte[] protectedBytes, List<byte[]> x5chain, byte[] payload, byte[] signature) {
        CborWriter w = new CborWriter(16 + protectedBytes.length + payload.length + signature.length);
        w.array(4).bytes(protectedBytes);
        if (x5chain.isEmpty()) {
            w.map(0).endMap();
        } else if (x5chain.size() == 1) {
            w.map(1).key(HEADER_X5CHAIN).bytes(x5chain.getFirst()).endMap();
        } else {
            throw new IllegalArgumentException("only a single x5chain certificate is supported");
        }
        return w.bytes(payload).bytes(signature).endArray().toBytes();
    }

    /** Writes a CBOR head: major type and argument in the shortest form. */
    public static void writeHeader(ByteArrayOutputStream out, int majorType, long argument) {
        int mt = majorType << 5;
        if (argument < 24) {
            out.write(mt | (int) argument);
        } else if (argument < 0x100) {
            out.write(mt | 24);
            out.write((int) argument);
        } else if (argument < 0x10000) {
            out.write(mt | 25);
            out.write((int) (argument >> 8));
            out.write((int) argument);
        } else if (argument < 0x100000000L) {
            out.write(mt | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (argument >> shift));
            }
        } else {
            out.write(mt | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (argument >> shift));
            }
        }
    }
}
