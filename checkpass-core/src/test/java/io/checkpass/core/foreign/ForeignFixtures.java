package io.checkpass.core.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.checkpass.core.PassFixture;
import io.checkpass.core.codec.Base45;
import io.checkpass.core.codec.Cbor;
import io.checkpass.core.codec.CborWriter;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.codec.Json;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.dcc.DccSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.zip.Deflater;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Foreign passes made in the test, with keys and certificates we control, to reach the cases upstream suites lack. */
public final class ForeignFixtures {
    public static final Es256 ES256 = PassFixture.ES256;
    public static final Instant SIGNED = Instant.parse("2021-12-01T00:00:00Z");
    public static final Instant EXPIRES = Instant.parse("2022-06-01T00:00:00Z");

    private ForeignFixtures() {}

    /** A DCC signer: its key pair and a certificate valid through 2021–2022. */
    public record DccIssuer(KeyPair keys, X509Certificate certificate) {
        public DccSigner signer() {
            return DccSigner.of(certificate);
        }

        public byte[] kid() {
            return DccSigner.specKid(certificate);
        }
    }

    /** An ES256 signer whose certificate lists {@code keyUsageOids} as extended key usage (none: no extension). */
    public static DccIssuer dccIssuer(String... keyUsageOids) {
        return issuer(keyPair("EC"), "SHA256withECDSA", keyUsageOids);
    }

    /** A PS256 signer (RSA 2048). */
    public static DccIssuer rsaDccIssuer() {
        return issuer(keyPair("RSA"), "SHA256withRSA");
    }

    /** A signer with a P-384 key, which signs under alg ES256 (ECDSA with SHA-256) as ES 401–403 of dgc-testdata do. */
    public static DccIssuer p384DccIssuer() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp384r1"));
            return issuer(generator.generateKeyPair(), "SHA256withECDSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ES256 signer whose certificate is valid from {@code notBefore} to {@code notAfter}. */
    public static DccIssuer dccIssuer(Instant notBefore, Instant notAfter, String... keyUsageOids) {
        return issuer(keyPair("EC"), "SHA256withECDSA", notBefore, notAfter, keyUsageOids);
    }

    private static KeyPair keyPair(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DccIssuer issuer(KeyPair keys, String certificateSignature, String... keyUsageOids) {
        return issuer(
                keys,
                certificateSignature,
                Instant.parse("2021-01-01T00:00:00Z"),
                Instant.parse("2023-01-01T00:00:00Z"),
                keyUsageOids);
    }

    private static DccIssuer issuer(
            KeyPair keys, String certificateSignature, Instant notBefore, Instant notAfter, String... keyUsageOids) {
        try {
            X500Name name = new X500Name("CN=DSC test, C=DE");
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    BigInteger.valueOf(System.nanoTime()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    name,
                    keys.getPublic());
            if (keyUsageOids.length > 0) {
                KeyPurposeId[] purposes = Arrays.stream(keyUsageOids)
                        .map(oid -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(oid)))
                        .toArray(KeyPurposeId[]::new);
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            }
            var holder = builder.build(new JcaContentSignerBuilder(certificateSignature).build(keys.getPrivate()));
            return new DccIssuer(keys, new JcaX509CertificateConverter().getCertificate(holder));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A vaccination DCC payload: dose {@code dn} of {@code sd} on {@code dt}. */
    public static ObjectNode vaccination(int dn, int sd, String dt) {
        ObjectNode dgc = person();
        dgc.putArray("v")
                .addObject()
                .put("tg", "840539006")
                .put("vp", "1119349007")
                .put("mp", "EU/1/20/1528")
                .put("ma", "ORG-100030215")
                .put("dn", dn)
                .put("sd", sd)
                .put("dt", dt)
                .put("co", "DE")
                .put("is", "Robert Koch-Institut")
                .put("ci", "URN:UVCI:01DE/TEST/1");
        return dgc;
    }

    /** A test DCC payload with result {@code tr} (SNOMED) for a sample taken at {@code sc}. */
    public static ObjectNode test(String tr, String sc) {
        ObjectNode dgc = person();
        dgc.putArray("t")
                .addObject()
                .put("tg", "840539006")
                .put("tt", "LP6464-4")
                .put("sc", sc)
                .put("tr", tr)
                .put("tc", "Centre")
                .put("co", "DE")
                .put("is", "Robert Koch-Institut")
                .put("ci", "URN:UVCI:01DE/TEST/2");
        return dgc;
    }

    /** A recovery DCC payload valid from {@code df} to {@code du}. */
    public static ObjectNode recovery(String df, String du) {
        ObjectNode dgc = person();
        dgc.putArray("r")
                .addObject()
                .put("tg", "840539006")
                .put("fr", "2021-10-01")
                .put("df", df)
                .put("du", du)
                .put("co", "DE")
                .put("is", "Robert Koch-Institut")
                .put("ci", "URN:UVCI:01DE/TEST/3");
        return dgc;
    }

    private static ObjectNode person() {
        ObjectNode dgc = Json.MAPPER.createObjectNode().put("ver", "1.3.0").put("dob", "1964-08-12");
        dgc.putObject("nam")
                .put("fn", "Mustermann")
                .put("fnt", "MUSTERMANN")
                .put("gn", "Erika")
                .put("gnt", "ERIKA");
        return dgc;
    }

    /** CWT claims {1: "DE", 4: exp, 6: iat, -260: {1: dgc}} with integer keys, as HCERT has them. */
    public static byte[] cwt(JsonNode dgc, Instant issuedAt, Instant expires) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CBORGenerator gen = Cbor.FACTORY.createGenerator(out)) {
                gen.writeStartObject();
                gen.writeFieldId(1);
                gen.writeString("DE");
                gen.writeFieldId(4);
                gen.writeNumber(expires.getEpochSecond());
                gen.writeFieldId(6);
                gen.writeNumber(issuedAt.getEpochSecond());
                gen.writeFieldId(-260);
                gen.writeStartObject();
                gen.writeFieldId(1);
                Cbor.MAPPER.writeTree(gen, dgc);
                gen.writeEndObject();
                gen.writeEndObject();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the signed message names its key. */
    public enum KidIn {
        PROTECTED,
        UNPROTECTED,
        NOWHERE
    }

    /** A COSE_Sign1 by {@code issuer} over {@code payload}, ES256 or PS256 by its key, naming {@code kid} as asked. */
    public static byte[] cose(DccIssuer issuer, byte[] kid, KidIn where, byte[] payload) {
        boolean rsa = issuer.keys().getPublic().getAlgorithm().equals("RSA");
        int alg = rsa ? CoseSign1.ALG_PS256 : CoseSign1.ALG_ES256;
        CborWriter header = new CborWriter(16)
                .map(where == KidIn.PROTECTED ? 2 : 1)
                .key(CoseSign1.HEADER_ALG)
                .integer(alg);
        if (where == KidIn.PROTECTED) {
            header.key(CoseSign1.HEADER_KID).bytes(kid);
        }
        byte[] protectedBytes = header.endMap().toBytes();
        byte[] toBeSigned = CoseSign1.toBeSigned(protectedBytes, new byte[0], payload);
        byte[] signature = rsa
                ? ps256(issuer.keys().getPrivate(), toBeSigned)
                : isP256(issuer)
                        ? ES256.sign(ES256.importPrivate(issuer.keys().getPrivate()), toBeSigned)
                        : ecdsaSha256(issuer.keys().getPrivate(), toBeSigned);
        CborWriter message = new CborWriter(64 + payload.length).array(4).bytes(protectedBytes);
        if (where == KidIn.UNPROTECTED) {
            message.map(1).key(CoseSign1.HEADER_KID).bytes(kid).endMap();
        } else {
            message.map(0).endMap();
        }
        return message.bytes(payload).bytes(signature).endArray().toBytes();
    }

    private static boolean isP256(DccIssuer issuer) {
        return ((ECPublicKey) issuer.keys().getPublic())
                        .getParams()
                        .getCurve()
                        .getField()
                        .getFieldSize()
                == 256;
    }

    /** ECDSA with SHA-256 on the key's own curve, as raw r||s. */
    private static byte[] ecdsaSha256(PrivateKey key, byte[] message) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ps256(PrivateKey key, byte[] message) {
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code HC1:} + Base45(zlib(cose)). */
    public static String hc1(byte[] cose) {
        return "HC1:" + Base45.encode(zlib(cose));
    }

    public static byte[] zlib(byte[] data) {
        return deflate(data, false);
    }

    public static byte[] rawDeflate(byte[] data) {
        return deflate(data, true);
    }

    private static byte[] deflate(byte[] data, boolean raw) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, raw);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** An SHC issuer key: the key pair and its public JWK with kid, alg and use as the SHC spec asks. */
    public record ShcKey(KeyPair keys, ObjectNode jwk) {
        public String kid() {
            return jwk.path("kid").asText();
        }
    }

    public static ShcKey shcKey() {
        KeyPair keys = keyPair("EC");
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        EcJwk jwk = new EcJwk(
                unsigned32(key.getW().getAffineX()), unsigned32(key.getW().getAffineY()));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode node = Json.MAPPER
                .createObjectNode()
                .put("kty", "EC")
                .put("kid", jwk.thumbprint())
                .put("use", "sig")
                .put("alg", "ES256")
                .put("crv", "P-256")
                .put("x", b64.encodeToString(jwk.x()))
                .put("y", b64.encodeToString(jwk.y()));
        return new ShcKey(keys, node);
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, out, 32 - length, length);
        return out;
    }

    /** A compact SHC JWS by {@code key} over {@code payload}; with {@code der}, the signature is DER-encoded. */
    public static String shcJws(ShcKey key, JsonNode payload, boolean der) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(
                ("{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"" + key.kid() + "\"}").getBytes(StandardCharsets.UTF_8));
        String body;
        try {
            body = b64.encodeToString(rawDeflate(Json.MAPPER.writeValueAsBytes(payload)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] signature = ES256.sign(
                ES256.importPrivate(key.keys().getPrivate()),
                (header + "." + body).getBytes(StandardCharsets.US_ASCII));
        return header + "." + body + "." + b64.encodeToString(der ? toDer(signature) : signature);
    }

    private static byte[] toDer(byte[] rawSignature) {
        try {
            ASN1EncodableVector rs = new ASN1EncodableVector();
            rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, 32))));
            rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rawSignature, 32, 64))));
            return new DERSequence(rs).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SHC payload with two Moderna doses (CVX 207) and an optional revocation id. */
    public static ObjectNode shcPayload(String iss, Instant nbf, String rid) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("iss", iss).put("nbf", nbf.getEpochSecond());
        ObjectNode vc = payload.putObject("vc");
        vc.putArray("type").add("https://smarthealth.cards#health-card").add("https://smarthealth.cards#immunization");
        if (rid != null) {
            vc.put("rid", rid);
        }
        ObjectNode bundle = vc.putObject("credentialSubject")
                .put("fhirVersion", "4.0.1")
                .putObject("fhirBundle")
                .put("resourceType", "Bundle")
                .put("type", "collection");
        var entries = bundle.putArray("entry");
        ObjectNode patient = entries.addObject()
                .put("fullUrl", "resource:0")
                .putObject("resource")
                .put("resourceType", "Patient")
                .put("birthDate", "1951-01-20");
        patient.putArray("name")
                .addObject()
                .put("family", "Anyperson")
                .putArray("given")
                .add("John");
        for (String date : new String[] {"2021-01-01", "2021-01-29"}) {
            ObjectNode immunization = entries.addObject()
                    .putObject("resource")
                    .put("resourceType", "Immunization")
                    .put("status", "completed")
                    .put("occurrenceDateTime", date);
            immunization
                    .putObject("vaccineCode")
                    .putArray("coding")
                    .addObject()
                    .put("system", "http://hl7.org/fhir/sid/cvx")
                    .put("code", "207");
        }
        return payload;
    }
}
