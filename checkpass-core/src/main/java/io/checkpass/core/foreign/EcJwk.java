package io.checkpass.core.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.Es256;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * A public P-256 key as a JSON Web Key (RFC 7517): {@code {"kty":"EC","crv":"P-256","x":…,"y":…}}, as SMART
 * Health Card issuers and NZ COVID Pass DID documents publish their keys.
 *
 * @param x the affine x coordinate, 32 bytes
 * @param y the affine y coordinate, 32 bytes
 */
public record EcJwk(byte[] x, byte[] y) {
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private static final Base64.Encoder BASE64URL_UNPADDED =
            Base64.getUrlEncoder().withoutPadding();

    public EcJwk {
        if (x.length != 32 || y.length != 32) {
            throw new IllegalArgumentException(
                    "a P-256 JWK has 32-byte coordinates, got " + x.length + " and " + y.length);
        }
        x = x.clone();
        y = y.clone();
    }

    /**
     * Reads the public part of an EC P-256 JWK.
     *
     * @throws IllegalArgumentException if it is not one, or if it carries a private key ({@code d})
     */
    public static EcJwk parse(JsonNode jwk) {
        if (jwk == null || !jwk.isObject()) {
            throw new IllegalArgumentException("a JWK must be a JSON object");
        }
        if (!"EC".equals(jwk.path("kty").asText(null))) {
            throw new IllegalArgumentException("JWK kty is '" + jwk.path("kty").asText() + "', expected EC");
        }
        if (!"P-256".equals(jwk.path("crv").asText(null))) {
            throw new IllegalArgumentException("JWK crv is '" + jwk.path("crv").asText() + "', expected P-256");
        }
        if (jwk.has("d")) {
            throw new IllegalArgumentException("JWK contains a private key (d); publish only the public key");
        }
        return new EcJwk(coordinate(jwk, "x"), coordinate(jwk, "y"));
    }

    private static byte[] coordinate(JsonNode jwk, String name) {
        JsonNode value = jwk.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("JWK has no '" + name + "' coordinate");
        }
        try {
            return BASE64URL.decode(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWK '" + name + "' is not base64url", e);
        }
    }

    @Override
    public byte[] x() {
        return x.clone();
    }

    @Override
    public byte[] y() {
        return y.clone();
    }

    /** The uncompressed SEC 1 point {@code 04 ‖ x ‖ y}. */
    public byte[] point() {
        byte[] point = new byte[65];
        point[0] = 4;
        System.arraycopy(x, 0, point, 1, 32);
        System.arraycopy(y, 0, point, 33, 32);
        return point;
    }

    /**
     * The key as the provider's own key object.
     *
     * @throws IllegalArgumentException if the point is not on P-256
     */
    public ECPublicKey publicKey(Es256 es256) {
        return es256.publicKey(point());
    }

    /** The RFC 7638 thumbprint (SHA-256, base64url), which SMART Health Cards require as the key id. */
    public String thumbprint() {
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + BASE64URL_UNPADDED.encodeToString(x)
                + "\",\"y\":\"" + BASE64URL_UNPADDED.encodeToString(y) + "\"}";
        return BASE64URL_UNPADDED.encodeToString(Digests.sha256(canonical.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EcJwk other && Arrays.equals(x, other.x) && Arrays.equals(y, other.y);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(x) + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
        return "EcJwk[" + thumbprint() + "]";
    }
}
