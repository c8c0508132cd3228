package io.checkpass.core.pass;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.PassFixture;
import io.checkpass.core.codec.Base45;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.VerificationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worked examples in docs/pass-format.md §8 still verify as the document says. */
class PassFormatDocumentTest {
    private static final Path DOC = Path.of("..", "docs", "pass-format.md");

    @Test
    void every_worked_example_in_the_document_verifies_as_stated() throws Exception {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```json\n") + "```json\n".length();
        JsonNode examples = new ObjectMapper().readTree(doc.substring(start, doc.indexOf("```", start)));

        ECPublicKey issuerPublic = PassFixture.ES256.publicKey(
                HexFormat.of().parseHex(examples.path("issuerPublicKey").asText()));
        assertThat(KeyId.of(issuerPublic).hex())
                .isEqualTo(examples.path("issuerKid").asText());
        TrustBundle bundle = new TrustBundle(
                1,
                Instant.EPOCH,
                List.of(new IssuerKey(
                        KeyId.of(issuerPublic),
                        "KR",
                        issuerPublic,
                        Instant.parse(examples.path("issuerKeyNotBefore").asText()),
                        Instant.parse(examples.path("issuerKeyNotAfter").asText()))),
                Set.of(),
                VenueRules.korea());

        List<String> mismatches = new ArrayList<>();
        for (JsonNode c : examples.path("cases")) {
            Instant at = Instant.parse(c.path("at").asText());
            PassVerifier verifier = new PassVerifier(bundle, PassFixture.ES256, Clock.fixed(at, ZoneOffset.UTC));
            VerificationResult result = verifier.verify(
                    c.path("text").asText(), new VenueType(c.path("venueType").asText()));
            String expected =
                    c.path("verdict").asText() + "/" + c.path("reason").asText();
            String actual = result.verdict() + "/" + result.reason();
            if (!expected.equals(actual)) {
                mismatches.add(c.path("name").asText() + ": expected " + expected + ", got " + actual);
            }
            byte[] credential = HexFormat.of().parseHex(c.path("credentialHex").asText());
            assertThat(Presentation.decode(Base45.decode(c.path("text").asText().substring(4)))
                            .credential())
                    .isEqualTo(credential);
        }
        assertThat(mismatches).isEmpty();
        assertThat(examples.path("cases").size()).isEqualTo(5);
    }
}
