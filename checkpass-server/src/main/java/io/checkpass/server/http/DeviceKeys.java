package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.crypto.Es256;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

/**
 * Reads a holder device's public key from a request: either the SEC 1 point in base64url (65 bytes
 * uncompressed, as WebCrypto's "raw" export gives, or 33 compressed), or a P-256 JWK
 * {@code {"kty":"EC","crv":"P-256","x":..,"y":..}}. The point is checked to lie on the curve.
 */
public final class DeviceKeys {
    private DeviceKeys() {}

    public static ECPublicKey parse(JsonNode node, Es256 es256) {
        byte[] point;
        try {
            if (node.isTextual()) {
                point = Base64.getUrlDecoder().decode(node.asText());
            } else if (node.isObject()) {
                if (!"EC".equals(node.path("kty").asText())
                        || !"P-256".equals(node.path("crv").asText())) {
                    throw invalid("the JWK must have kty EC and crv P-256");
                }
                byte[] x = Base64.getUrlDecoder().decode(node.path("x").asText());
                byte[] y = Base64.getUrlDecoder().decode(node.path("y").asText());
                if (x.length != 32 || y.length != 32) {
                    throw invalid("JWK x and y must be 32 bytes each");
                }
                point = new byte[65];
                point[0] = 4;
                System.arraycopy(x, 0, point, 1, 32);
                System.arraycopy(y, 0, point, 33, 32);
            } else {
                throw invalid("give the key as a base64url SEC 1 point or a P-256 JWK");
            }
        } catch (IllegalArgumentException e) {
            throw invalid("the key is not valid base64url");
        }
        try {
            return es256.publicKey(point);
        } catch (IllegalArgumentException e) {
            throw invalid("the key is not a point on P-256 (" + point.length + " bytes)");
        }
    }

    private static ApiException invalid(String detail) {
        return new ApiException(400, "invalid-device-key", "Invalid device key", "devicePublicKey: " + detail);
    }
}
