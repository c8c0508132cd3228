package io.checkpass.server.inspection;

import java.util.Optional;

/**
 * A venue as registration records it (issue 16 part 4): what {@code visits.Venues.Venue} has, plus its district and
 * who answers for it. {@code district} and the operator are empty for venues registered before they were asked for.
 *
 * @param operatorPhone canonical digits ({@code registry.PhoneNumber})
 * @param callNumber    the 안심콜 number, canonical digits
 */
public record RegisteredVenue(
        String venueId,
        String businessNumber,
        String name,
        String address,
        String region,
        Optional<District> district,
        String venueType,
        Optional<String> operatorName,
        Optional<String> operatorPhone,
        Optional<String> callNumber) {

    /** The district code, or null for a venue without one (for {@link InspectorScopes.Scope#covers}). */
    public String districtCode() {
        return district.map(District::code).orElse(null);
    }
}
