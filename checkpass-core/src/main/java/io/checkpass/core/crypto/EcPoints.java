package io.checkpass.core.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.math.ec.ECCurve;

/**
 * SEC 1 encodings of P-256 points. Passes carry the holder's device key compressed (33 bytes instead of 65) to
 * keep the QR small; decompression and the on-curve check use BouncyCastle's curve arithmetic because SunEC
 * cannot decode compressed points.
 */
public final class EcPoints {
    /** The P-256 domain parameters as the JCA knows them. */
    public static final ECParameterSpec P256 = p256();

    private static final ECCurve CURVE =
            ECNamedCurveTable.getByName("secp256r1").getCurve();

    private EcPoints() {}

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The other valid ECDSA signature of the same message: {@code (r, n − s)} for a raw 64-byte {@code r ‖ s}
     * (P1363) P-256 signature. Anyone can make it without the key, so a verifier must not take it for a new
     * presentation; the conformance vectors and the verifier's tests use it to check that replays are caught anyway.
     */
    public static byte[] complementS(byte[] signature) {
        if (signature.length != 64) {
            throw new IllegalArgumentException("a raw P-256 signature has 64 bytes, got " + signature.length);
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        byte[] complement = P256.getOrder().subtract(s).toByteArray();
        byte[] out = signature.clone();
        Arrays.fill(out, 32, 64, (byte) 0);
        int len = Math.min(complement.length, 32);
        System.arraycopy(complement, complement.length - len, out, 64 - len, len);
        return out;
    }

    /** 0x04 ‖ x ‖ y, 65 bytes. */
    public static byte[] uncompressed(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 0x04;
        writeFixed(key.getW().getAffineX(), out, 1);
        writeFixed(key.getW().getAffineY(), out, 33);
        return out;
    }

    /** (0x02 | lowest bit of y) ‖ x, 33 bytes. */
    public static byte[] compressed(ECPublicKey key) {
        byte[] out = new byte[33];
        out[0] = (byte) (key.getW().getAffineY().testBit(0) ? 0x03 : 0x02);
        writeFixed(key.getW().getAffineX(), out, 1);
        return out;
    }

    /** The x coordinate, 32 bytes big-endian. */
    public static byte[] x(ECPublicKey key) {
        byte[] out = new byte[32];
        writeFixed(key.getW().getAffineX(), out, 0);
        return out;
    }

    /** The y coordinate, 32 bytes big-endian. */
    public static byte[] y(ECPublicKey key) {
        byte[] out = new byte[32];
        writeFixed(key.getW().getAffineY(), out, 0);
        return out;
    }

    /**
     * Decodes a compressed or uncompressed SEC 1 point and checks that it lies on P-256.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static ECPoint decode(byte[] sec1) {
        if (sec1 == null
                || !(sec1.length == 33 && (sec1[0] == 2 || sec1[0] == 3) || sec1.length == 65 && sec1[0] == 4)) {
            throw new IllegalArgumentException("not a SEC 1 P-256 point encoding");
        }
        org.bouncycastle.math.ec.ECPoint point = CURVE.decodePoint(sec1).normalize();
        if (point.isInfinity() || !point.isValid()) {
            throw new IllegalArgumentException("point is not on P-256");
        }
        return new ECPoint(
                point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
    }

    private static void writeFixed(BigInteger value, byte[] out, int offset) {
        byte[] b = value.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, offset + 32 - len, len);
    }
}
