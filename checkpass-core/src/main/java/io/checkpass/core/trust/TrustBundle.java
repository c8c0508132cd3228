package io.checkpass.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueRules;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything a scanner needs to judge passes offline: issuer keys, revoked serials, venue rules, foreign trust
 * material and the medical rules that decide a foreign pass's status, with a version and the centre's clock at the time it was made. It travels signed
 * (see {@link TrustBundles}); an instance of this class has either been built by the centre or been verified.
 *
 * @param version     increases with every bundle the centre publishes
 * @param createdAt   the centre's clock when it was made; scanners use it to spot a badly wrong local clock
 * @param issuerKeys  every issuer key still valid for some unexpired credential
 * @param revoked     serials of revoked, unexpired credentials
 * @param venueRules  the venue rules in their versioned form
 * @param foreign     foreign trust material by format ("dcc", "shc", "nzcp"), opaque to the native verifier
 * @param medicalRules the medical rules (and accepted vaccines) by which the door decides a foreign pass's status;
 *                    empty in a bundle made before they were carried, where every foreign pass is refused
 *                    ({@link io.checkpass.core.verify.Reason#NO_MEDICAL_RULES}). Native passes state their own status.
 * @param revokedKeys ids of issuer keys revoked after a compromise: they are not in {@code issuerKeys}, and a
 *                    credential signed by one is refused as {@link io.checkpass.core.verify.Reason#ISSUER_KEY_REVOKED}
 * @param nextBundleKey the bundle key that takes over, announced ahead of the switch (docs/adr/0014-key-rotation.md)
 */
public record TrustBundle(
        long version,
        Instant createdAt,
        List<IssuerKey> issuerKeys,
        Set<Serial> revoked,
        VenueRules venueRules,
        ObjectNode foreign,
        Optional<MedicalRules> medicalRules,
        Set<KeyId> revokedKeys,
        Optional<NextBundleKey> nextBundleKey) {

    public TrustBundle {
        if (version < 0) {
            throw new IllegalArgumentException("bundle version must not be negative");
        }
        issuerKeys = List.copyOf(issuerKeys);
        revoked = Set.copyOf(revoked);
        foreign = foreign == null ? JsonNodeFactory.instance.objectNode() : foreign.deepCopy();
        medicalRules = medicalRules == null ? Optional.empty() : medicalRules;
        revokedKeys = revokedKeys == null ? Set.of() : Set.copyOf(revokedKeys);
        nextBundleKey = nextBundleKey == null ? Optional.empty() : nextBundleKey;
        for (IssuerKey key : issuerKeys) {
            if (revokedKeys.contains(key.id())) {
                throw new IllegalArgumentException("issuer key " + key.id() + " is both listed and revoked");
            }
        }
    }

    /** A bundle with no revoked issuer keys and no announced bundle key. */
    public TrustBundle(
            long version,
            Instant createdAt,
            List<IssuerKey> issuerKeys,
            Set<Serial> revoked,
            VenueRules venueRules,
            ObjectNode foreign,
            Optional<MedicalRules> medicalRules) {
        this(version, createdAt, issuerKeys, revoked, venueRules, foreign, medicalRules, Set.of(), Optional.empty());
    }

    /** A bundle without medical rules: foreign passes are refused by it. */
    public TrustBundle(
            long version,
            Instant createdAt,
            List<IssuerKey> issuerKeys,
            Set<Serial> revoked,
            VenueRules venueRules,
            ObjectNode foreign) {
        this(version, createdAt, issuerKeys, revoked, venueRules, foreign, Optional.empty());
    }

    /** A bundle with no foreign trust material. */
    public TrustBundle(
            long version, Instant createdAt, List<IssuerKey> issuerKeys, Set<Serial> revoked, VenueRules venueRules) {
        this(version, createdAt, issuerKeys, revoked, venueRules, null, Optional.empty());
    }

    /** The issuer keys by id (ids are unique in a valid bundle). */
    public Map<KeyId, IssuerKey> issuerKeysById() {
        return issuerKeys.stream().collect(Collectors.toUnmodifiableMap(IssuerKey::id, Function.identity()));
    }

    public boolean isRevoked(Serial serial) {
        return revoked.contains(serial);
    }

    /** The foreign trust section for one format, if the bundle carries one. */
    public Optional<JsonNode> foreign(String format) {
        return Optional.ofNullable(foreign.get(format));
    }

    /** The same bundle carrying {@code rules} as its medical rules. */
    public TrustBundle withMedicalRules(MedicalRules rules) {
        return new TrustBundle(
                version,
                createdAt,
                issuerKeys,
                revoked,
                venueRules,
                foreign,
                Optional.of(rules),
                revokedKeys,
                nextBundleKey);
    }

    /** Whether a credential signed by this key must be refused because the key was revoked. */
    public boolean isKeyRevoked(KeyId id) {
        return revokedKeys.contains(id);
    }

    @Override
    public ObjectNode foreign() {
        return foreign.deepCopy();
    }
}
