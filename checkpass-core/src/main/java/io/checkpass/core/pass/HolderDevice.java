package io.checkpass.core.pass;

import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.Es256;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;

/**
 * The holder's side: signs a presentation of a device-bound credential at a given instant, as a wallet does
 * every 15 seconds. (The wallet page does the same with WebCrypto; this one serves the CLI, tests and load
 * drivers.)
 */
public final class HolderDevice {
    private final ECPrivateKey deviceKey;
    private final Es256 es256;

    public HolderDevice(ECPrivateKey deviceKey, Es256 es256) {
        this.deviceKey = deviceKey;
        this.es256 = es256;
    }

    public Presentation present(byte[] credential, Instant at) {
        long timestamp = at.getEpochSecond();
        byte[] signature =
                es256.sign(deviceKey, Presentation.deviceSigningInput(Digests.sha256(credential), timestamp));
        return new Presentation(credential, timestamp, signature);
    }
}
