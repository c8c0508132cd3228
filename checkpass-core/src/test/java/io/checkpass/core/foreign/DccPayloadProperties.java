package io.checkpass.core.foreign;

import static io.checkpass.core.foreign.ForeignFixtures.ES256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.codec.CborWriter;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.codec.Json;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.ForeignFixtures.KidIn;
import io.checkpass.core.foreign.dcc.HcertVerifier;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Strict on trust, lenient on payload, as properties: a genuine DCC whose payload varies in every way the schema
 * allows, or in the ways real issuers bent it, is read (never MALFORMED); and no bit flipped anywhere in what the
 * signature covers, or in the signature, is ever read as genuine, whatever the payload.
 */
class DccPayloadProperties {
    static final DccIssuer ES = ForeignFixtures.dccIssuer();
    static final DccIssuer PS = ForeignFixtures.rsaDccIssuer();
    static final DccIssuer P384 = ForeignFixtures.p384DccIssuer();
    static final List<DccIssuer> ISSUERS = List.of(ES, PS, P384);
    static final HcertVerifier VERIFIER =
            new HcertVerifier(ISSUERS.stream().map(DccIssuer::signer).toList(), ES256);
    /** Fixed, so that a run is reproducible; QuickTheories reports it with any falsifying example. */
    private static final long SEED = 20211220L;

    static final String[] CODES = {
        "",
        "840539006",
        "1119349007",
        "EU/1/20/1528",
        "ORG-100030215",
        "LP6464-4",
        "260415000",
        "260373001",
        "DE",
        "XK",
        "x",
        "UNKNOWN-CODE-ÄÖ"
    };

    static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    static String date(Random random, boolean bent) {
        int year = 1900 + random.nextInt(200);
        String full = "%04d-%02d-%02d".formatted(year, 1 + random.nextInt(12), 1 + random.nextInt(28));
        if (!bent) {
            return full;
        }
        return pick(
                random,
                full,
                String.valueOf(year),
                "%04d-%02d".formatted(year, 1 + random.nextInt(12)),
                "%04d-00".formatted(year),
                "%04d-%02d-00".formatted(year, 1 + random.nextInt(12)),
                full + "T00:00:00",
                full + "T10:11:12Z",
                "%04d-03-15".formatted(1800 + random.nextInt(400)));
    }

    static String dateTime(Random random, boolean bent) {
        String base = date(random, false) + "T%02d:%02d:%02d".formatted(random.nextInt(24), random.nextInt(60), 0);
        String legal = base + pick(random, "Z", "+01:00", "+09:00", "-05:30", ".123Z");
        return bent ? pick(random, legal, base, date(random, false)) : legal;
    }

    /** A DCC payload from {@code seed}: schema-legal, or (when {@code bent}) bent as real issuers bent it. */
    static ObjectNode payload(long seed, boolean bent) {
        Random random = new Random(seed);
        ObjectNode dgc = Json.MAPPER.createObjectNode();
        dgc.put("ver", pick(random, "1.0.0", "1.2.1", "1.3.0"));
        ObjectNode nam = dgc.putObject("nam");
        nam.put("fnt", pick(random, "MUSTERMANN", "DE<LA<CRUZ", "", "X"));
        if (random.nextBoolean()) {
            nam.put("fn", pick(random, "Mustermann", "", "Ó Briain", "김"));
        }
        if (random.nextBoolean()) {
            nam.put("gn", pick(random, "Erika", "", "Zoë"));
        }
        if (random.nextBoolean()) {
            nam.put("gnt", pick(random, "ERIKA", "", "ZOE"));
        }
        int year = 1900 + random.nextInt(200);
        String dob = pick(
                random,
                "",
                String.valueOf(year),
                "%04d-%02d".formatted(year, 1 + random.nextInt(12)),
                "%04d-00".formatted(year),
                "%04d-%02d-%02d".formatted(year, 1 + random.nextInt(12), 1 + random.nextInt(28)));
        if (bent) {
            dob = pick(random, dob, dob + "T00:00:00", "1899-12-31", "2150-01-01");
        }
        dgc.put("dob", dob);

        String kind = pick(random, "v", "t", "r");
        int entries = bent ? 1 + random.nextInt(3) : 1;
        ArrayNode list = dgc.putArray(kind);
        for (int i = 0; i < entries; i++) {
            ObjectNode entry = list.addObject();
            entry.put("tg", pick(random, CODES));
            entry.put("co", pick(random, CODES));
            entry.put("is", pick(random, "Robert Koch-Institut", "", "Ministry of Health"));
            entry.put("ci", pick(random, "URN:UVCI:01DE/TEST/" + random.nextInt(1000), "01:XK:ABC#1", ""));
            switch (kind) {
                case "v" -> {
                    entry.put("vp", pick(random, CODES));
                    entry.put("mp", pick(random, CODES));
                    entry.put("ma", pick(random, CODES));
                    entry.put("dn", (bent ? 0 : 1) + random.nextInt(9));
                    entry.put("sd", (bent ? 0 : 1) + random.nextInt(9));
                    entry.put("dt", date(random, bent));
                }
                case "t" -> {
                    entry.put("tt", pick(random, CODES));
                    entry.put("tr", pick(random, CODES));
                    entry.put("sc", dateTime(random, bent));
                    if (random.nextBoolean()) {
                        entry.put("dr", dateTime(random, bent));
                    }
                    if (random.nextBoolean()) {
                        entry.put("nm", pick(random, "", "Roche LightCycler qPCR"));
                    }
                    if (random.nextBoolean()) {
                        entry.put("ma", pick(random, "", "1232", "1833"));
                    }
                    if (random.nextBoolean()) {
                        entry.put("tc", pick(random, "", "Testzentrum Köln Hbf"));
                    }
                }
                default -> {
                    entry.put("fr", date(random, bent));
                    entry.put("df", date(random, bent));
                    entry.put("du", date(random, bent));
                }
            }
        }
        return dgc;
    }

    static byte[] signed(DccIssuer issuer, ObjectNode dgc) {
        return ForeignFixtures.cose(
                issuer,
                issuer.kid(),
                KidIn.PROTECTED,
                ForeignFixtures.cwt(dgc, ForeignFixtures.SIGNED, ForeignFixtures.EXPIRES));
    }

    @Test
    void a_genuine_dcc_with_any_schema_legal_payload_is_read() {
        qt().withExamples(300).withFixedSeed(SEED).forAll(longs().all()).checkAssert(seed -> {
            ObjectNode dgc = payload(seed, false);
            FormatOutcome outcome = VERIFIER.read(ForeignFixtures.hc1(signed(ES, dgc)));
            assertThat(outcome).as(dgc.toString()).isInstanceOf(FormatOutcome.Read.class);
        });
    }

    @Test
    void a_genuine_dcc_with_a_payload_bent_as_real_issuers_bent_it_is_read() {
        qt().withExamples(300).withFixedSeed(SEED).forAll(longs().all()).checkAssert(seed -> {
            ObjectNode dgc = payload(seed, true);
            FormatOutcome outcome = VERIFIER.read(ForeignFixtures.hc1(signed(ES, dgc)));
            assertThat(outcome).as(dgc.toString()).isInstanceOf(FormatOutcome.Read.class);
        });
    }

    @Test
    void a_bit_flipped_in_the_signed_bytes_or_the_signature_is_never_read_as_genuine() {
        qt().withExamples(400)
                .withFixedSeed(SEED)
                .forAll(longs().all(), integers().between(0, 2), integers().allPositive())
                .checkAssert((seed, which, bit) -> {
                    DccIssuer issuer = ISSUERS.get(which);
                    CoseSign1 message = CoseSign1.decode(
                            signed(issuer, payload(seed, seed % 2 == 0)), 1024, HcertVerifier.MAX_COSE_BYTES);
                    byte[] protectedBytes = message.protectedBytes().clone();
                    byte[] payload = message.payload().clone();
                    byte[] signature = message.signature().clone();
                    int total = (protectedBytes.length + payload.length + signature.length) * 8;
                    int at = bit % total;
                    byte[] target;
                    if (at < protectedBytes.length * 8) {
                        target = protectedBytes;
                    } else if ((at -= protectedBytes.length * 8) < payload.length * 8) {
                        target = payload;
                    } else {
                        at -= payload.length * 8;
                        target = signature;
                    }
                    target[at / 8] ^= (byte) (1 << (at % 8));
                    // Re-encoded around the flip, so the structure is intact and the signature must catch it.
                    byte[] cose = new CborWriter(64 + payload.length)
                            .array(4)
                            .bytes(protectedBytes)
                            .map(0)
                            .endMap()
                            .bytes(payload)
                            .bytes(signature)
                            .endArray()
                            .toBytes();
                    FormatOutcome outcome = VERIFIER.read(ForeignFixtures.hc1(cose));
                    assertThat(outcome).isInstanceOf(FormatOutcome.Failed.class);
                    assertThat(((FormatOutcome.Failed) outcome).reason().admitting())
                            .isFalse();
                });
    }

    @Test
    void the_payloads_vary_enough_to_mean_something() {
        // Guard against a generator that quietly produces one shape: kinds, dates and codes all vary.
        var kinds = new java.util.HashSet<String>();
        var dobs = new java.util.HashSet<String>();
        for (long seed = 0; seed < 200; seed++) {
            ObjectNode dgc = payload(seed, true);
            dgc.fieldNames().forEachRemaining(kinds::add);
            dobs.add(dgc.path("dob").asText().replaceAll("\\d", "9"));
        }
        assertThat(kinds).contains("v", "t", "r");
        assertThat(dobs.size()).isGreaterThan(5);
        assertThat(Instant.parse("2021-12-01T00:00:00Z")).isEqualTo(ForeignFixtures.SIGNED);
    }
}
