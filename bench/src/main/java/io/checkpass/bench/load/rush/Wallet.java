package io.checkpass.bench.load.rush;

import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.pass.HolderDevice;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;

/** A holder's phone: its device key and the credential it holds, refreshed now and then from the centre. */
final class Wallet {
    final String personId;
    final String devicePublicKey;
    private final HolderDevice device;
    private volatile byte[] credential;

    Wallet(String personId, KeyPair keys, Es256 es256) {
        this.personId = personId;
        this.devicePublicKey = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(EcPoints.uncompressed((ECPublicKey) keys.getPublic()));
        this.device = new HolderDevice((ECPrivateKey) keys.getPrivate(), es256);
    }

    boolean hasCredential() {
        return credential != null;
    }

    void credential(byte[] credential) {
        this.credential = credential;
    }

    /** The QR text the phone shows at {@code now}: a fresh presentation. */
    String present(Instant now) {
        return device.present(credential, now).toText();
    }

    /** A screenshot taken {@code ageSeconds} ago: what a queue-jumper shows. */
    String screenshot(Instant now, int ageSeconds) {
        return device.present(credential, now.minusSeconds(ageSeconds)).toText();
    }
}
