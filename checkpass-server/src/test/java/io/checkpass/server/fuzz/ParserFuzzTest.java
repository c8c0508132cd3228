package io.checkpass.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.PassFixture;
import io.checkpass.core.codec.Base45;
import io.checkpass.core.codec.CborReader;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.foreign.ForeignFormats;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import io.checkpass.server.registry.imports.CsvRegistryReader;
import io.checkpass.server.registry.imports.FhirRecordMapper;
import io.checkpass.server.registry.imports.FhirRegistryReader;
import io.checkpass.server.registry.imports.ImportItem;
import io.checkpass.server.registry.imports.RegistryReader;
import io.checkpass.server.sip.SipFuzzing;
import io.checkpass.server.visits.CheckInJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Coverage-guided fuzzing of every parser that reads untrusted bytes. In the suite each target replays its
 * committed inputs ({@code src/test/resources/io/checkpass/server/fuzz/ParserFuzzTestInputs/<target>/}), which
 * include every finding; {@code scripts/fuzz.sh TARGET SECONDS} fuzzes one for longer (docs/fuzzing.md). The
 * property is the same for all: the parser answers with its own result or its own refusal, never another
 * exception, never a hang.
 */
class ParserFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2022-01-20T03:00:00Z");
    private static final PassVerifier VERIFIER = new PassVerifier(
            PassFixture.bundle(),
            PassFixture.ES256,
            Clock.fixed(NOW, ZoneOffset.UTC),
            VerifierPolicy.DEFAULT,
            ForeignFormats.all(PassFixture.ES256));

    @FuzzTest
    void base45(FuzzedDataProvider data) {
        try {
            Base45.decode(data.consumeRemainingAsString());
        } catch (IllegalArgumentException refused) {
            // not Base45: the decoder's own refusal
        }
    }

    @FuzzTest
    void cbor(byte[] data) {
        try {
            CborReader.of(data).skipValue();
        } catch (IllegalArgumentException refused) {
            // CborException: malformed, or past a bound
        }
    }

    @FuzzTest
    void coseSign1(byte[] data) {
        try {
            CoseSign1.decode(data, 1024, 16 * 1024);
        } catch (IllegalArgumentException refused) {
            // CborException
        }
    }

    /** The door: CP1, HC1, SHC and NZCP through one verifier; every text ends as a verdict. */
    @FuzzTest
    void verifier(FuzzedDataProvider data) {
        VerificationResult result = VERIFIER.verify(data.consumeRemainingAsString(), PassFixture.RESTAURANT);
        assertThat(result).isNotNull();
    }

    @FuzzTest
    void sip(byte[] data) {
        SipFuzzing.parseDatagram(data);
        SipFuzzing.readStream(data);
    }

    @FuzzTest
    void csvImport(byte[] data) {
        drain(CsvRegistryReader.open(new ByteArrayInputStream(data)));
    }

    @FuzzTest
    void fhirImport(byte[] data) {
        drain(FhirRegistryReader.open(new FhirRecordMapper(), new ByteArrayInputStream(data)));
    }

    /** One check-in batch as the ingest route reads it: records parsed, or refused one by one. */
    @FuzzTest
    void checkInBatch(byte[] data) {
        JsonNode body;
        try {
            body = JSON.readTree(data);
        } catch (IOException notJson) {
            return; // the route's JSON reader answers 400 before this parser sees anything
        }
        if (body == null || !body.isObject()) {
            return;
        }
        try {
            CheckInJson.parse(body, "venue-1", "scanner-1", NOW);
        } catch (IllegalArgumentException refused) {
            // a batch-level refusal (not {"checkins": [...]}, more than 1,000): the route answers 400
        }
    }

    private static void drain(RegistryReader reader) {
        try (reader) {
            while (reader.hasNext()) {
                ImportItem item = reader.next();
                assertThat(item).isNotNull();
            }
        } catch (UncheckedIOException | IOException io) {
            // reading a byte array does not fail; a reader may still report the stream as unreadable
        }
    }
}
