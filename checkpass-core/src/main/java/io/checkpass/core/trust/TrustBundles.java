package io.checkpass.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.codec.Cbor;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueRules;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The signed form of a {@link TrustBundle}: a COSE_Sign1 (ES256) by the bundle key, with the bundle key's
 * certificate in the unprotected x5chain header and a CBOR payload with text keys (docs/pass-format.md §6).
 *
 * <p>Opening checks the signature before reading anything else. A verifier that was given the bundle key
 * (the trust anchor) also refuses a bundle signed by any other key; without an anchor the bundle is only
 * self-consistent, and {@link Opened#pinned()} says so.
 */
public final class TrustBundles {
    /** COSE external_aad of bundle signatures. */
    public static final byte[] BUNDLE_AAD = "checkpass.bundle".getBytes(StandardCharsets.US_ASCII);

    public static final String FORMAT = "checkpass-bundle/1";
    /** Large enough for a million revoked serials; checked before parsing. */
    public static final int MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

    private TrustBundles() {}

    /** A verified bundle, the key that signed it and whether that key was pinned by the caller. */
    public record Opened(TrustBundle bundle, KeyId signer, boolean pinned) {}

    /** Signs a bundle with the bundle key. */
    public static byte[] sign(TrustBundle bundle, SigningKey bundleKey, Es256 es256) {
        byte[] payload = encodePayload(bundle);
        byte[] protectedHeader =
                CoseSign1.protectedHeader(CoseSign1.ALG_ES256, bundleKey.id().bytes());
        byte[] signature = es256.sign(bundleKey, CoseSign1.toBeSigned(protectedHeader, BUNDLE_AAD, payload));
        try {
            return CoseSign1.encode(
                    protectedHeader, List.of(bundleKey.certificate().getEncoded()), payload, signature);
        } catch (CertificateException e) {
            throw new IllegalStateException("bundle key certificate cannot be encoded", e);
        }
    }

    /**
     * Verifies and decodes a signed bundle.
     *
     * @param anchor the bundle key the caller trusts; empty to accept the key in the bundle's own x5chain
     * @throws TrustBundleException if the bundle is malformed, its signature is wrong, or it was signed by a key
     *     other than the anchor
     */
    public static Opened open(byte[] signed, Optional<ECPublicKey> anchor, Es256 es256) throws TrustBundleException {
        if (signed.length > MAX_BUNDLE_BYTES) {
            throw new TrustBundleException("bundle of " + signed.length + " bytes exceeds " + MAX_BUNDLE_BYTES);
        }
        CoseSign1 cose;
        try {
            cose = CoseSign1.decode(signed, 4096, MAX_BUNDLE_BYTES);
        } catch (IllegalArgumentException e) {
            throw new TrustBundleException("bundle is not a COSE_Sign1: " + e.getMessage(), e);
        }
        if (cose.algorithm() != CoseSign1.ALG_ES256 || cose.protectedKid() == null || cose.protectedKid().length != 8) {
            throw new TrustBundleException("bundle must be ES256 with an 8-byte key id in the protected header");
        }
        KeyId kid = KeyId.fromBytes(cose.protectedKid());
        ECPublicKey signerKey = anchor.isPresent() ? anchor.get() : keyFromChain(cose);
        if (!KeyId.of(signerKey).equals(kid)) {
            throw new TrustBundleException(
                    "bundle is signed by key " + kid + ", not by the trusted bundle key " + KeyId.of(signerKey));
        }
        if (!es256.verify(es256.importPublic(signerKey), cose.toBeSigned(BUNDLE_AAD), cose.signature())) {
            throw new TrustBundleException("bundle signature does not verify");
        }
        try {
            return new Opened(decodePayload(cose.payload(), es256), kid, anchor.isPresent());
        } catch (IOException | RuntimeException e) {
            throw new TrustBundleException("bundle payload is invalid: " + e.getMessage(), e);
        }
    }

    private static ECPublicKey keyFromChain(CoseSign1 cose) throws TrustBundleException {
        if (cose.x5chain().isEmpty()) {
            throw new TrustBundleException("bundle carries no signer certificate and no trust anchor was given");
        }
        try {
            var certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cose.x5chain().getFirst()));
            if (!(certificate.getPublicKey() instanceof ECPublicKey key)) {
                throw new TrustBundleException("bundle signer certificate does not hold an EC key");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new TrustBundleException("bundle signer certificate is unreadable", e);
        }
    }

    static byte[] encodePayload(TrustBundle bundle) {
        ObjectNode root = Cbor.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", bundle.version());
        root.put("createdAt", bundle.createdAt().getEpochSecond());
        ArrayNode keys = root.putArray("issuerKeys");
        for (IssuerKey key : bundle.issuerKeys()) {
            keys.addObject()
                    .put("kid", key.id().bytes())
                    .put("issuer", key.issuer())
                    .put("key", EcPoints.uncompressed(key.publicKey()))
                    .put("notBefore", key.notBefore().getEpochSecond())
                    .put("notAfter", key.notAfter().getEpochSecond());
        }
        ArrayNode revoked = root.putArray("revoked");
        bundle.revoked().stream().map(Serial::hex).sorted().map(Serial::parse).forEach(s -> revoked.add(s.bytes()));
        root.set("venueRules", bundle.venueRules().document());
        root.set("foreign", bundle.foreign());
        bundle.medicalRules().ifPresent(rules -> root.set("medicalRules", rules.document()));
        // Both additive and only present when in use: a bundle without them is byte-for-byte what it was before.
        if (!bundle.revokedKeys().isEmpty()) {
            ArrayNode revokedKeys = root.putArray("revokedKeys");
            bundle.revokedKeys().stream()
                    .map(KeyId::hex)
                    .sorted()
                    .map(KeyId::parse)
                    .forEach(k -> revokedKeys.add(k.bytes()));
        }
        bundle.nextBundleKey()
                .ifPresent(next -> root.putObject("nextBundleKey")
                        .put("kid", next.id().bytes())
                        .put("key", EcPoints.uncompressed(next.publicKey()))
                        .put("from", next.from().getEpochSecond()));
        try {
            return Cbor.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("bundle payload cannot be encoded", e);
        }
    }

    static TrustBundle decodePayload(byte[] payload, Es256 es256) throws IOException {
        JsonNode root = Cbor.MAPPER.readTree(payload);
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(
                    "format is '" + root.path("format").asText() + "', expected " + FORMAT);
        }
        List<IssuerKey> keys = new ArrayList<>();
        Set<KeyId> seen = new HashSet<>();
        for (JsonNode k : root.path("issuerKeys")) {
            ECPublicKey publicKey = es256.publicKey(k.path("key").binaryValue());
            IssuerKey key = new IssuerKey(
                    KeyId.fromBytes(k.path("kid").binaryValue()),
                    k.path("issuer").asText(),
                    publicKey,
                    Instant.ofEpochSecond(k.path("notBefore").asLong()),
                    Instant.ofEpochSecond(k.path("notAfter").asLong()));
            if (!seen.add(key.id())) {
                throw new IllegalArgumentException("issuer key " + key.id() + " is listed twice");
            }
            keys.add(key);
        }
        Set<Serial> revoked = new HashSet<>();
        for (JsonNode s : root.path("revoked")) {
            revoked.add(Serial.fromBytes(s.binaryValue()));
        }
        Set<KeyId> revokedKeys = new HashSet<>();
        for (JsonNode k : root.path("revokedKeys")) {
            revokedKeys.add(KeyId.fromBytes(k.binaryValue()));
        }
        JsonNode next = root.get("nextBundleKey");
        Optional<NextBundleKey> nextBundleKey = next == null || next.isNull()
                ? Optional.empty()
                : Optional.of(new NextBundleKey(
                        KeyId.fromBytes(next.path("kid").binaryValue()),
                        es256.publicKey(next.path("key").binaryValue()),
                        Instant.ofEpochSecond(next.path("from").asLong())));
        JsonNode foreign = root.path("foreign");
        // Additive: a bundle made before it carried medical rules has none, and its scanner refuses foreign passes.
        JsonNode medical = root.get("medicalRules");
        return new TrustBundle(
                root.path("version").asLong(),
                Instant.ofEpochSecond(root.path("createdAt").asLong()),
                keys,
                revoked,
                VenueRules.fromDocument(root.path("venueRules")),
                foreign instanceof ObjectNode object ? object : null,
                medical == null || medical.isNull()
                        ? Optional.empty()
                        : Optional.of(MedicalRules.fromDocument(medical)),
                revokedKeys,
                nextBundleKey);
    }
}
