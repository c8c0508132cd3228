package io.checkpass.core.foreign.shc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.foreign.EcJwk;
import io.checkpass.core.foreign.dcc.DccSigner;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A SMART Health Card issuer as the trust bundle carries it: {@code {"iss", "jwks": {"keys": […]}, "crls": […]}}.
 * Construction checks everything the SHC spec asks of issuer keys, so a bundle never holds a key a card could not
 * legitimately be signed with: P-256, {@code alg} ES256, {@code use} sig, {@code kid} equal to the RFC 7638
 * thumbprint, no private part, and an {@code x5c} chain (if any) whose leaf holds the same key, names {@code iss} as
 * a URI subject alternative name and whose certificates each sign the one before. Validity dates of x5c
 * certificates are not checked: a key stays good for the cards it signed while the issuer publishes it.
 *
 * @param iss  the issuer URL, {@code https://} without a trailing slash
 * @param jwks the issuer's key set, as published
 * @param crls revocation lists, at most one per key, each matching its key's {@code crlVersion}
 */
public record ShcIssuer(String iss, JsonNode jwks, List<JsonNode> crls) {
    private static final int MAX_KEYS = 64;

    /** A checked issuer key. */
    public record Key(String kid, EcJwk jwk, long crlVersion) {}

    public ShcIssuer {
        checkIss(iss);
        if (jwks == null || crls == null) {
            throw new IllegalArgumentException(
                    "SHC issuer " + iss + " needs a key set and a (possibly empty) list of CRLs");
        }
        jwks = jwks.deepCopy();
        crls = crls.stream().<JsonNode>map(JsonNode::deepCopy).toList();
        // Fail fast: parse everything now so that a bad issuer never reaches a bundle.
        crlsOf(keysOf(iss, jwks), crls);
    }

    @Override
    public JsonNode jwks() {
        return jwks.deepCopy();
    }

    @Override
    public List<JsonNode> crls() {
        return crls.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    /** The issuer's keys by kid. */
    public Map<String, Key> keys() {
        return keysOf(iss, jwks);
    }

    /** The issuer's revocation lists by kid. */
    public Map<String, ShcCrl> revocationLists() {
        return crlsOf(keys(), crls);
    }

    /** This issuer with more keys and lists: a key with a known kid replaces it, a list replaces an older one. */
    public ShcIssuer merge(ShcIssuer other) {
        if (!other.iss.equals(iss)) {
            throw new IllegalArgumentException("cannot merge issuer " + other.iss + " into " + iss);
        }
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        jwks.path("keys").forEach(k -> keys.put(k.path("kid").asText(), k));
        other.jwks.path("keys").forEach(k -> keys.put(k.path("kid").asText(), k));
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        merged.putArray("keys").addAll(keys.values());
        Map<String, JsonNode> lists = new LinkedHashMap<>();
        for (JsonNode crl : crls) {
            lists.put(crl.path("kid").asText(), crl);
        }
        for (JsonNode crl : other.crls) {
            lists.merge(
                    crl.path("kid").asText(),
                    crl,
                    (old, fresh) ->
                            fresh.path("ctr").asLong() >= old.path("ctr").asLong() ? fresh : old);
        }
        return new ShcIssuer(iss, merged, List.copyOf(lists.values()));
    }

    /**
     * Reads an issuer from its trust-bundle JSON.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ShcIssuer fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("an SHC issuer must be an object with iss, jwks and crls");
        }
        List<JsonNode> crls = new ArrayList<>();
        node.path("crls").forEach(crls::add);
        return new ShcIssuer(node.path("iss").asText(""), node.path("jwks"), crls);
    }

    /** The trust-bundle JSON of this issuer. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("iss", iss);
        node.set("jwks", jwks.deepCopy());
        ArrayNode lists = node.putArray("crls");
        crls.forEach(c -> lists.add(c.deepCopy()));
        return node;
    }

    /**
     * Checks one key as an issuer key of {@code iss}; with an empty {@code iss} the x5c subject name is not checked.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Key checkKey(JsonNode jwk, Optional<String> iss) {
        EcJwk key = EcJwk.parse(jwk);
        String kid = jwk.path("kid").asText("");
        if (!"ES256".equals(jwk.path("alg").asText(null))) {
            throw new IllegalArgumentException(
                    "key " + kid + " has alg '" + jwk.path("alg").asText() + "', expected ES256");
        }
        if (!"sig".equals(jwk.path("use").asText(null))) {
            throw new IllegalArgumentException(
                    "key " + kid + " has use '" + jwk.path("use").asText() + "', expected sig");
        }
        if (!key.thumbprint().equals(kid)) {
            throw new IllegalArgumentException(
                    "key " + kid + " does not have its RFC 7638 thumbprint " + key.thumbprint() + " as kid");
        }
        JsonNode crlVersion = jwk.get("crlVersion");
        if (crlVersion != null && (!crlVersion.isIntegralNumber() || crlVersion.asLong() < 1)) {
            throw new IllegalArgumentException("key " + kid + " has a crlVersion that is not a positive integer");
        }
        if (jwk.has("x5c")) {
            checkChain(kid, key, jwk.get("x5c"), iss);
        }
        return new Key(kid, key, crlVersion == null ? 0 : crlVersion.asLong());
    }

    private static void checkChain(String kid, EcJwk key, JsonNode x5c, Optional<String> iss) {
        if (!x5c.isArray() || x5c.isEmpty() || x5c.size() > 8) {
            throw new IllegalArgumentException("key " + kid + " has an x5c that is not an array of 1..8 certificates");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode certificate : x5c) {
            try {
                chain.add(DccSigner.parseCertificate(Base64.getDecoder().decode(certificate.asText(""))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key " + kid + " has an x5c certificate that does not parse", e);
            }
        }
        X509Certificate leaf = chain.getFirst();
        if (!(leaf.getPublicKey() instanceof ECPublicKey leafKey)
                || !leafKey.getW().getAffineX().equals(new BigInteger(1, key.x()))
                || !leafKey.getW().getAffineY().equals(new BigInteger(1, key.y()))) {
            throw new IllegalArgumentException("key " + kid + " differs from the key of its x5c leaf certificate");
        }
        if (iss.isPresent() && !subjectUris(leaf).contains(iss.get())) {
            throw new IllegalArgumentException("key " + kid + " has an x5c leaf certificate that does not name "
                    + iss.get() + " as a URI subject alternative name");
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "key " + kid + " has an x5c chain whose certificate " + (i + 1) + " is not signed by the next",
                        e);
            }
        }
    }

    private static List<String> subjectUris(X509Certificate certificate) {
        List<String> uris = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    // GeneralName type 6 is uniformResourceIdentifier.
                    if (name.size() == 2
                            && Integer.valueOf(6).equals(name.get(0))
                            && name.get(1) instanceof String uri) {
                        uris.add(uri);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return uris;
    }

    private static void checkIss(String iss) {
        if (iss == null || iss.length() > 255 || !iss.startsWith("https://") || iss.endsWith("/")) {
            throw new IllegalArgumentException(
                    "SHC issuer '" + iss + "' must be an https:// URL without a trailing slash");
        }
        try {
            URI uri = new URI(iss);
            if (uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("SHC issuer '" + iss + "' must be a plain https:// URL with a host");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("SHC issuer '" + iss + "' is not a URL", e);
        }
    }

    private static Map<String, Key> keysOf(String iss, JsonNode jwks) {
        JsonNode keys = jwks == null ? null : jwks.get("keys");
        if (keys == null || !keys.isArray() || keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException(
                    "key set of " + iss + " must be {\"keys\": [...]} with 1.." + MAX_KEYS + " keys");
        }
        Map<String, Key> byKid = new LinkedHashMap<>();
        for (JsonNode jwk : keys) {
            Key key = checkKey(jwk, Optional.of(iss));
            if (byKid.put(key.kid(), key) != null) {
                throw new IllegalArgumentException("key set of " + iss + " lists kid " + key.kid() + " twice");
            }
        }
        return byKid;
    }

    private static Map<String, ShcCrl> crlsOf(Map<String, Key> keys, List<JsonNode> crls) {
        Map<String, ShcCrl> byKid = new LinkedHashMap<>();
        for (JsonNode node : crls) {
            ShcCrl crl = ShcCrl.parse(node);
            Key key = keys.get(crl.kid());
            if (key == null) {
                throw new IllegalArgumentException("CRL names kid " + crl.kid() + ", which is not in the key set");
            }
            if (key.crlVersion() != crl.ctr()) {
                throw new IllegalArgumentException("CRL for " + crl.kid() + " has ctr " + crl.ctr()
                        + " but the key says crlVersion " + key.crlVersion());
            }
            if (byKid.put(crl.kid(), crl) != null) {
                throw new IllegalArgumentException("two CRLs for kid " + crl.kid());
            }
        }
        return byKid;
    }
}
