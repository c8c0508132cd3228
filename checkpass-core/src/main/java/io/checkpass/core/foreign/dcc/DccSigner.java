package io.checkpass.core.foreign.dcc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.Digests;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * One document signer certificate (DSC) of an EU DCC issuing country, as the trust bundle carries it:
 * {@code {"kid": base64, "certificate": base64 DER, "country": "DE"}}. The key id is what the COSE header names:
 * by the HCERT spec the first 8 bytes of the SHA-256 of the certificate, but the EU gateway publishes it as data,
 * and several certificates may share one.
 *
 * @param kid         key id as the gateway lists it
 * @param certificate the signer certificate
 * @param country     ISO 3166 alpha-2 code of the issuing country, or empty if unknown
 */
public record DccSigner(byte[] kid, X509Certificate certificate, String country) {
    public static final int MAX_CERTIFICATE_BYTES = 8192;

    public DccSigner {
        if (kid.length == 0 || kid.length > 64) {
            throw new IllegalArgumentException("a DCC key id is 1..64 bytes, got " + kid.length);
        }
        if (!country.isEmpty() && !country.matches("[A-Z]{2}")) {
            throw new IllegalArgumentException("DCC signer country '" + country + "' is not an ISO 3166 alpha-2 code");
        }
        kid = kid.clone();
    }

    /** A signer whose key id is derived as the HCERT spec says and whose country is the certificate's {@code C}. */
    public static DccSigner of(X509Certificate certificate) {
        return new DccSigner(specKid(certificate), certificate, subjectCountry(certificate));
    }

    /** The HCERT key id: the first 8 bytes of the SHA-256 of the certificate's DER encoding. */
    public static byte[] specKid(X509Certificate certificate) {
        return Arrays.copyOf(Digests.sha256(der(certificate)), 8);
    }

    @Override
    public byte[] kid() {
        return kid.clone();
    }

    /**
     * The certificate types this signer may sign: all three unless its extended key usage names DCC OIDs, in which
     * case only those.
     */
    public Set<DccType> authorizedTypes() {
        List<String> usages;
        try {
            usages = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            // An unreadable restriction is no permission: fail closed.
            return EnumSet.noneOf(DccType.class);
        }
        if (usages == null || usages.stream().noneMatch(DccType::isAnyKeyUsage)) {
            return EnumSet.allOf(DccType.class);
        }
        EnumSet<DccType> types = EnumSet.noneOf(DccType.class);
        for (DccType type : DccType.values()) {
            if (usages.stream().anyMatch(type::isKeyUsage)) {
                types.add(type);
            }
        }
        return types;
    }

    /**
     * Reads a signer from its trust-bundle JSON.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DccSigner fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a DCC signer must be an object with kid, certificate and country");
        }
        byte[] certificate = base64(node, "certificate");
        X509Certificate parsed = parseCertificate(certificate);
        byte[] kid = node.has("kid") ? base64(node, "kid") : specKid(parsed);
        String country = node.path("country").asText("");
        return new DccSigner(kid, parsed, country.toUpperCase(Locale.ROOT));
    }

    /** The trust-bundle JSON of this signer. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("kid", Base64.getEncoder().encodeToString(kid));
        node.put("certificate", Base64.getEncoder().encodeToString(der(certificate)));
        node.put("country", country);
        return node;
    }

    /**
     * Parses a DER (or PEM) X.509 certificate.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static X509Certificate parseCertificate(byte[] encoded) {
        if (encoded.length > MAX_CERTIFICATE_BYTES * 2) {
            throw new IllegalArgumentException("certificate of " + encoded.length + " bytes is too large");
        }
        try {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(encoded));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    private static byte[] base64(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("DCC signer has no base64 '" + field + "'");
        }
        try {
            return Base64.getMimeDecoder().decode(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DCC signer '" + field + "' is not base64", e);
        }
    }

    private static String subjectCountry(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("C")
                        && rdn.getValue() instanceof String c
                        && c.matches("[A-Za-z]{2}")) {
                    return c.toUpperCase(Locale.ROOT);
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DccSigner other && Arrays.equals(kid, other.kid) && certificate.equals(other.certificate);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(kid) + certificate.hashCode();
    }

    @Override
    public String toString() {
        return "DccSigner[" + HexFormat.of().formatHex(kid) + " " + country + " "
                + certificate.getSubjectX500Principal() + "]";
    }
}
