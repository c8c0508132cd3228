package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.conformance.vectors.ForeignVectors;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.foreign.nzcp.NzcpIssuer;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Operators add foreign trust material over HTTP; the next bundle carries it; the verify API uses it. */
class ForeignTrustApiTest {
    static final Path TESTDATA = Path.of("..", "testdata");
    static final Instant NZ_PINNED = Instant.parse("2021-11-10T00:00:00Z");

    @Test
    void an_nz_pass_is_unknown_until_its_issuer_is_added_then_verifies_through_the_verify_api() throws Exception {
        try (TestCentre centre = new TestCentre(NZ_PINNED)) {
            String admin = centre.client("admin-foreign", Role.ISSUER_ADMIN);
            Venues venues = centre.server.centre().venues();
            venues.add(new Venues.Venue("foreign-venue", "1", "n", "a", "r", "restaurant_cafe", Optional.empty()));
            String scanner =
                    centre.adopt("scanner-foreign", venues.addScanner("foreign-venue", "scanner-foreign", "door"));
            String pass = Files.readString(TESTDATA.resolve("nzcp/spec-examples/valid/nzcp.txt"))
                    .strip();
            String request = "{\"text\":\"" + pass + "\",\"venueType\":\"restaurant_cafe\"}";

            var before = TestCentre.json(centre.post("/api/v1/verify", scanner, request));
            assertThat(before.path("verdict").asText()).isEqualTo("DENY");
            assertThat(before.path("reason").asText()).isEqualTo("UNKNOWN_KEY");

            var did = new ObjectMapper()
                    .readTree(TESTDATA.resolve("nzcp/spec-examples/valid/did.json")
                            .toFile());
            String trust = ForeignTrust.empty()
                    .withNzcpIssuer(NzcpIssuer.of(did))
                    .toJson()
                    .toString();
            var merged = centre.post("/api/v1/foreign-trust", admin, trust);
            assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
            assertThat(centre.bundle().bundle().foreign("nzcp")).isPresent();

            var after = TestCentre.json(centre.post("/api/v1/verify", scanner, request));
            assertThat(after.path("format").asText()).isEqualTo("NZCP");
            assertThat(after.path("verdict").asText()).isIn("ADMIT", "CHECK_ID");
            assertThat(after.path("maskedName").asText()).isEqualTo("J*w");

            var unknownType =
                    centre.post("/api/v1/verify", scanner, "{\"text\":\"" + pass + "\",\"venueType\":\"moon_base\"}");
            assertThat(unknownType.statusCode()).isEqualTo(400);
            assertThat(TestCentre.json(unknownType).path("detail").asText()).contains("moon_base");

            var invalid = centre.post("/api/v1/foreign-trust", admin, "{\"dcc\": [{\"certificate\": \"not base64\"}]}");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(centre.post("/api/v1/foreign-trust", scanner, "{}").statusCode())
                    .isEqualTo(403);
        }
    }

    @Test
    void the_verify_api_returns_the_warnings_of_a_dcc_that_bends_the_schema() throws Exception {
        try (TestCentre centre = new TestCentre(NZ_PINNED)) {
            String admin = centre.client("admin-dcc", Role.ISSUER_ADMIN);
            Venues venues = centre.server.centre().venues();
            venues.add(new Venues.Venue("dcc-venue", "1", "n", "a", "r", "restaurant_cafe", Optional.empty()));
            String scanner = centre.adopt("scanner-dcc", venues.addScanner("dcc-venue", "scanner-dcc", "door"));
            ForeignVectors.Samples samples = ForeignVectors.samples(TestCentre.ES256, NZ_PINNED);
            var merged =
                    centre.post("/api/v1/foreign-trust", admin, samples.trust().toString());
            assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);

            var bent = TestCentre.json(centre.post(
                    "/api/v1/verify",
                    scanner,
                    "{\"text\":\"" + samples.dccWithWarnings() + "\",\"venueType\":\"restaurant_cafe\"}"));
            var clean = TestCentre.json(centre.post(
                    "/api/v1/verify",
                    scanner,
                    "{\"text\":\"" + samples.dcc() + "\",\"venueType\":\"restaurant_cafe\"}"));

            assertThat(bent.path("verdict").asText()).isIn("ADMIT", "CHECK_ID");
            assertThat(bent.path("warnings").findValuesAsText("field")).containsExactly("v[0].dn", "v[0].sd");
            assertThat(clean.path("verdict").asText()).isIn("ADMIT", "CHECK_ID");
            assertThat(clean.has("warnings")).isFalse();
        }
    }
}
