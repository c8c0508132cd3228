package io.checkpass.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.VenueRules;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything a scanner needs to judge passes offline: issuer keys, revoked serials, venue rules and foreign
 * trust material, with a version and the centre's clock at the time it was made. It travels signed
 * (see {@link TrustBundles}); an instance of this class has either been built by the centre or been verified.
 *
 * @param version     increases with every bundle the centre publishes
 * @param createdAt   the centre's clock when it was made; scanners use it to spot a badly wrong local clock
 * @param issuerKeys  every issuer key still valid for some unexpired credential
 * @param revoked     serials of revoked, unexpired credentials
 * @param venueRules  the venue rules in their versioned form
 * @param foreign     foreign trust material by format ("dcc", "shc", "nzcp"), opaque to the native verifier
 */
public record TrustBundle(
        long version,
        Instant createdAt,
        List<IssuerKey> issuerKeys,
        Set<Serial> revoked,
        VenueRules venueRules,
        ObjectNode foreign) {

    public TrustBundle {
        if (version < 0) {
            throw new IllegalArgumentException("bundle version must not be negative");
        }
        issuerKeys = List.copyOf(issuerKeys);
        revoked = Set.copyOf(revoked);
        foreign = foreign == null ? JsonNodeFactory.instance.objectNode() : foreign.deepCopy();
    }

    /** A bundle with no foreign trust material. */
    public TrustBundle(
            long version, Instant createdAt, List<IssuerKey> issuerKeys, Set<Serial> revoked, VenueRules venueRules) {
        this(version, createdAt, issuerKeys, revoked, venueRules, null);
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

    @Override
    public ObjectNode foreign() {
        return foreign.deepCopy();
    }
}
