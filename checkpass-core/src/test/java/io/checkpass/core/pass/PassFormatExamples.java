package io.checkpass.core.pass;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.PassFixture;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.rules.VenueType;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Prints the worked examples of docs/pass-format.md §8 (run it, paste the output, and
 * {@code PassFormatDocumentTest} checks the document still verifies). Keys are fresh each run.
 */
public final class PassFormatExamples {
    public static void main(String[] args) throws Exception {
        var hex = HexFormat.of();
        Instant issued = Instant.parse("2021-12-13T02:00:00Z");
        Instant lunch = Instant.parse("2021-12-13T03:00:00Z");
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("issuerKid", PassFixture.ISSUER_KEY.id().hex());
        root.put("issuerPublicKey", hex.formatHex(EcPoints.uncompressed(PassFixture.ISSUER_KEY.publicKey())));
        root.put("issuerKeyNotBefore", PassFixture.ISSUER_KEY.notBefore().toString());
        root.put("issuerKeyNotAfter", PassFixture.ISSUER_KEY.notAfter().toString());
        root.put("devicePublicKey", hex.formatHex(EcPoints.uncompressed((ECPublicKey) PassFixture.DEVICE.getPublic())));
        ArrayNode cases = root.putArray("cases");

        PassRequest vaccinated = new PassRequest(
                PassStatus.VACCINATED,
                Instant.parse("2021-10-15T15:00:00Z"),
                Optional.of(Instant.parse("2022-06-30T15:00:00Z")),
                DisplayHint.of("홍길동", 1985),
                Optional.of((ECPublicKey) PassFixture.DEVICE.getPublic()));
        IssuedCredential bound = PassFixture.ISSUER.issue(vaccinated, issued, Duration.ofHours(48));
        String boundText = PassFixture.HOLDER.present(bound.encoded(), lunch).toText();
        add(cases, "device-bound, fresh", bound, boundText, lunch.plusSeconds(5), "restaurant_cafe");
        add(cases, "device-bound, 90 s old", bound, boundText, lunch.plusSeconds(90), "restaurant_cafe");

        PassRequest tested = new PassRequest(
                PassStatus.TESTED,
                Instant.parse("2021-12-12T01:00:00Z"),
                Optional.of(Instant.parse("2021-12-14T15:00:00Z")),
                DisplayHint.of("김철수", 1990),
                Optional.empty());
        IssuedCredential paper = PassFixture.ISSUER.issue(tested, issued, Duration.ofHours(48));
        add(
                cases,
                "static (paper) pass",
                paper,
                Presentation.ofStatic(paper.encoded()).toText(),
                lunch,
                "karaoke");

        PassRequest unvaccinated = new PassRequest(
                PassStatus.UNVACCINATED,
                Instant.parse("2021-01-01T00:00:00Z"),
                Optional.empty(),
                DisplayHint.of("이영희", 1978),
                Optional.of((ECPublicKey) PassFixture.DEVICE.getPublic()));
        IssuedCredential none = PassFixture.ISSUER.issue(unvaccinated, issued, Duration.ofHours(48));
        add(
                cases,
                "unvaccinated at a karaoke",
                none,
                PassFixture.HOLDER.present(none.encoded(), lunch).toText(),
                lunch,
                "karaoke");
        Instant dec18 = Instant.parse("2021-12-18T03:00:00Z");
        IssuedCredential later = PassFixture.ISSUER.issue(unvaccinated, dec18.minusSeconds(3600), Duration.ofHours(48));
        add(
                cases,
                "unvaccinated at a restaurant, 18 Dec",
                later,
                PassFixture.HOLDER.present(later.encoded(), dec18).toText(),
                dec18,
                "restaurant_cafe");

        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    private static void add(
            ArrayNode cases, String name, IssuedCredential credential, String text, Instant at, String venue) {
        var result = PassFixture.verifierAt(at, PassFixture.bundle()).verify(text, new VenueType(venue));
        ObjectNode c = cases.addObject();
        c.put("name", name);
        c.put("credentialHex", HexFormat.of().formatHex(credential.encoded()));
        c.put("text", text);
        c.put("at", at.toString());
        c.put("venueType", venue);
        c.put("verdict", result.verdict().name());
        c.put("reason", result.reason().name());
    }

    private PassFormatExamples() {}
}
