package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.registry.PersonId;
import io.checkpass.server.issuance.PassOrder;
import java.util.Optional;

/**
 * Reads what kind of pass a request body asks for, for a person the route has already established: a
 * device-bound pass ({@code "devicePublicKey"}, see {@link DeviceKeys}) or a static paper pass
 * ({@code "static": true}), exactly one of the two. Shared by {@code POST /api/v1/passes} and the demo wallet.
 */
public final class PassOrderJson {
    private PassOrderJson() {}

    /** @throws ApiException 400 when the body asks for both kinds or neither, or the key is not a P-256 point */
    public static PassOrder read(PersonId person, JsonNode body, Es256 es256) {
        boolean staticPass = body.path("static").asBoolean(false);
        JsonNode key = body.get("devicePublicKey");
        if (staticPass == (key != null && !key.isNull())) {
            throw ApiException.badRequest(
                    "give either devicePublicKey (a device-bound pass) or \"static\": true (a paper pass)");
        }
        return new PassOrder(person.value(), staticPass ? Optional.empty() : Optional.of(DeviceKeys.parse(key, es256)));
    }
}
