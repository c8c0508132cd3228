package io.checkpass.core.foreign.dcc;

import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.foreign.dcc.DccRevocationList.HashType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EU DCC revocation lists of a bundle, indexed by signer key id, checked offline. A certificate is revoked when
 * any list for the key id that verified it holds one of its hashes: of its UCI, of its issuing country and UCI, or
 * of its signature (docs/foreign-passes.md §2).
 *
 * <p>Immutable and thread-safe.
 */
public final class DccRevocations {
    private static final DccRevocations NONE = new DccRevocations(List.of());

    private final Map<ByteBuffer, List<DccRevocationList>> byKid;

    private DccRevocations(List<DccRevocationList> lists) {
        Map<ByteBuffer, List<DccRevocationList>> index = new HashMap<>();
        for (DccRevocationList list : lists) {
            index.computeIfAbsent(ByteBuffer.wrap(list.kid()), k -> new ArrayList<>())
                    .add(list);
        }
        index.replaceAll((kid, l) -> List.copyOf(l));
        this.byKid = Map.copyOf(index);
    }

    public static DccRevocations none() {
        return NONE;
    }

    public static DccRevocations of(List<DccRevocationList> lists) {
        return lists.isEmpty() ? NONE : new DccRevocations(lists);
    }

    /**
     * Whether a certificate is revoked.
     *
     * @param kid       the key id the COSE message names (the signer's, which the lists are keyed by)
     * @param cis       its certificate identifiers (normally one; every entry's, when the payload holds several)
     * @param countries the issuing country codes to hash with the UCI: the CWT {@code iss}, and the entry's
     *                  {@code co} when {@code iss} is absent or differs (checking more hashes never admits more)
     * @param alg       the COSE algorithm, which decides what of the signature is hashed
     * @param signature the COSE signature
     */
    public boolean isRevoked(byte[] kid, List<String> cis, List<String> countries, int alg, byte[] signature) {
        if (kid == null) {
            return false;
        }
        List<DccRevocationList> lists = byKid.get(ByteBuffer.wrap(kid));
        if (lists == null) {
            return false;
        }
        for (DccRevocationList list : lists) {
            switch (list.type()) {
                case UCI -> {
                    for (String ci : cis) {
                        if (list.contains(hash(ci))) {
                            return true;
                        }
                    }
                }
                case COUNTRYCODEUCI -> {
                    for (String ci : cis) {
                        for (String country : countries) {
                            if (list.contains(hash(country + ci))) {
                                return true;
                            }
                        }
                    }
                }
                case SIGNATURE -> {
                    if (list.contains(signatureHash(alg, signature))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether any list is held. */
    public boolean isEmpty() {
        return byKid.isEmpty();
    }

    /** The hash of a UCI or of country code + UCI: the first 16 bytes of SHA-256 of its UTF-8. */
    public static byte[] hash(String text) {
        return truncate(Digests.sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The SIGNATURE hash: for ES256 over the first half of the signature (r), otherwise over all of it. */
    public static byte[] signatureHash(int alg, byte[] signature) {
        byte[] signed = alg == CoseSign1.ALG_ES256 ? Arrays.copyOf(signature, signature.length / 2) : signature;
        return truncate(Digests.sha256(signed));
    }

    /** The hash of {@code type} for a certificate, as a list would hold it; for tests and tools. */
    public static Optional<byte[]> hashOf(
            HashType type, Optional<String> ci, String country, int alg, byte[] signature) {
        return switch (type) {
            case UCI -> ci.map(DccRevocations::hash);
            case COUNTRYCODEUCI -> ci.map(c -> hash(country + c));
            case SIGNATURE -> Optional.of(signatureHash(alg, signature));
        };
    }

    private static byte[] truncate(byte[] sha256) {
        return Arrays.copyOf(sha256, DccRevocationList.HASH_BYTES);
    }
}
