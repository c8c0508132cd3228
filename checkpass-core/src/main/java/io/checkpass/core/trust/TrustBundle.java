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
 */
public record TrustBundle(
        long version,
        Instant createdAt,
        List<IssuerKey> issuerKeys,
        Set<Serial> revoked,
        VenueRules venueRules,
        ObjectNode foreign,
        Optional<MedicalRules> medicalRules) {

    public TrustBundle {
        if (version < 0) {
            throw new IllegalArgumentException("bundle version must not be negative");
        }
        issuerKeys = List.copyOf(issuerKeys);
        revoked = Set.copyOf(revoked);
        foreign = foreign == null ? JsonNodeFactory.instance.objectNode() : foreign.deepCopy();
        medicalRules = medicalRules == null ? Optional.empty() : medicalRules;
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
        return new TrustBundle(version, createdAt, issuerKeys, revoked, venueRules, foreign, Optional.of(rules));
    }

    @Override
    public ObjectNode foreign() {
        return foreign.deepCopy();
    }
}
