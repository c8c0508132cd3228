package io.checkpass.core.pass;

import static io.checkpass.core.pass.PassFormat.*;

import io.checkpass.core.codec.CborException;
import io.checkpass.core.codec.CborReader;
import io.checkpass.core.codec.CborWriter;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Optional;

/** Encodes and decodes the CWT claims of a native credential (docs/pass-format.md §3). */
public final class Credentials {
    private Credentials() {}

    /** Writes the claims map with keys in deterministic order: 4, 6, 7, 8, then -65537. */
    public static byte[] encodeClaims(PassClaims c) {
        CborWriter w = new CborWriter(160);
        w.map(c.deviceKey().isPresent() ? 5 : 4);
        w.key(CLAIM_EXP).integer(c.expiresAt().getEpochSecond());
        w.key(CLAIM_IAT).integer(c.issuedAt().getEpochSecond());
        w.key(CLAIM_CTI).bytes(c.serial().bytes());
        c.deviceKey().ifPresent(key -> {
            w.key(CLAIM_CNF).map(1).key(CNF_COSE_KEY).map(4);
            w.key(KEY_KTY).integer(KTY_EC2);
            w.key(KEY_CRV).integer(CRV_P256);
            w.key(KEY_X).bytes(EcPoints.x(key));
            w.key(KEY_Y).bool(key.getW().getAffineY().testBit(0));
            w.endMap().endMap();
        });
        w.key(CLAIM_PASS).map(c.statusValidUntil().isPresent() ? 5 : 4);
        w.key(PASS_STATUS).integer(c.status().code());
        w.key(PASS_VALID_FROM).integer(c.statusValidFrom().getEpochSecond());
        c.statusValidUntil().ifPresent(t -> w.key(PASS_VALID_UNTIL).integer(t.getEpochSecond()));
        w.key(PASS_NAME).text(c.display().maskedName());
        w.key(PASS_BIRTH_YEAR).integer(c.display().birthYear());
        w.endMap();
        return w.endMap().toBytes();
    }

    /**
     * Decodes the claims map. Unknown claims are skipped (forward compatibility); missing required ones, wrong
     * types and out-of-range values are errors.
     *
     * @throws CborException if the claims are malformed
     */
    public static PassClaims decodeClaims(byte[] payload, Es256 es256) {
        CborReader in = CborReader.of(payload);
        Long exp = null;
        Long iat = null;
        Serial serial = null;
        ECPublicKey deviceKey = null;
        PassFields pass = null;
        in.beginMap();
        for (int key = in.nextIntKey(); key != Integer.MIN_VALUE; key = in.nextIntKey()) {
            switch (key) {
                case CLAIM_EXP -> exp = in.readLong(0, MAX_SECONDS);
                case CLAIM_IAT -> iat = in.readLong(0, MAX_SECONDS);
                case CLAIM_CTI -> serial = Serial.fromBytes(in.readBytes(Serial.BYTES));
                case CLAIM_CNF -> deviceKey = readConfirmationKey(in, es256);
                case CLAIM_PASS -> pass = readPass(in);
                default -> in.skipValue();
            }
        }
        in.expectEnd();
        if (exp == null || iat == null || serial == null || pass == null) {
            throw new CborException("credential lacks a required claim (exp, iat, cti, pass)");
        }
        try {
            return new PassClaims(
                    Instant.ofEpochSecond(iat),
                    Instant.ofEpochSecond(exp),
                    serial,
                    pass.status,
                    Instant.ofEpochSecond(pass.validFrom),
                    pass.validUntil == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(pass.validUntil)),
                    new DisplayHint(pass.name, (int) pass.birthYear),
                    Optional.ofNullable(deviceKey));
        } catch (IllegalArgumentException e) {
            throw new CborException("credential claims are inconsistent: " + e.getMessage(), e);
        }
    }

    /** Upper bound for times: year 9999, far beyond any pass, keeps Instant arithmetic safe. */
    private static final long MAX_SECONDS = 253_402_300_799L;

    private record PassFields(PassStatus status, long validFrom, Long validUntil, String name, long birthYear) {}

    private static PassFields readPass(CborReader in) {
        PassStatus status = null;
        Long from = null;
        Long until = null;
        String name = null;
        Long birthYear = null;
        in.beginMap();
        for (int key = in.nextIntKey(); key != Integer.MIN_VALUE; key = in.nextIntKey()) {
            switch (key) {
                case PASS_STATUS -> {
                    try {
                        status = PassStatus.ofCode(in.readLong(0, 255));
                    } catch (IllegalArgumentException e) {
                        throw new CborException(e.getMessage());
                    }
                }
                case PASS_VALID_FROM -> from = in.readLong(0, MAX_SECONDS);
                case PASS_VALID_UNTIL -> until = in.readLong(0, MAX_SECONDS);
                case PASS_NAME -> name = in.readText(DisplayHint.MAX_NAME_CHARS);
                case PASS_BIRTH_YEAR -> birthYear = in.readLong(1900, 2100);
                default -> in.skipValue();
            }
        }
        if (status == null || from == null || name == null || birthYear == null) {
            throw new CborException("pass claim lacks status, valid-from, name or birth year");
        }
        return new PassFields(status, from, until, name, birthYear);
    }

    private static ECPublicKey readConfirmationKey(CborReader in, Es256 es256) {
        in.beginMap();
        ECPublicKey key = null;
        for (int label = in.nextIntKey(); label != Integer.MIN_VALUE; label = in.nextIntKey()) {
            if (label == CNF_COSE_KEY) {
                key = readCoseKey(in, es256);
            } else {
                in.skipValue();
            }
        }
        if (key == null) {
            throw new CborException("cnf has no COSE_Key");
        }
        return key;
    }

    private static ECPublicKey readCoseKey(CborReader in, Es256 es256) {
        long kty = -1;
        long crv = -1;
        byte[] x = null;
        Boolean yOdd = null;
        in.beginMap();
        for (int label = in.nextIntKey(); label != Integer.MIN_VALUE; label = in.nextIntKey()) {
            switch (label) {
                case KEY_KTY -> kty = in.readLong();
                case KEY_CRV -> crv = in.readLong();
                case KEY_X -> x = in.readBytes(32);
                case KEY_Y -> yOdd = in.readBoolean();
                default -> in.skipValue();
            }
        }
        if (kty != KTY_EC2 || crv != CRV_P256 || x == null || x.length != 32 || yOdd == null) {
            throw new CborException("device key is not a compressed P-256 COSE_Key");
        }
        byte[] point = new byte[33];
        point[0] = (byte) (yOdd ? 3 : 2);
        System.arraycopy(x, 0, point, 1, 32);
        try {
            return es256.publicKey(point);
        } catch (IllegalArgumentException e) {
            throw new CborException("device key is not a point on P-256");
        }
    }
}
