package io.checkpass.core.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.foreign.dcc.DccRevocationList;
import io.checkpass.core.foreign.dcc.DccRevocations;
import io.checkpass.core.foreign.dcc.DccSigner;
import io.checkpass.core.foreign.nzcp.NzcpIssuer;
import io.checkpass.core.foreign.shc.ShcIssuer;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreign trust material a bundle carries ({@link io.checkpass.core.trust.TrustBundle#foreign()}), and the
 * operator API to build it: EU DCC signer certificates, SMART Health Card issuers with their key sets and CRLs,
 * and NZ COVID Pass issuers with their DID documents. JSON shape (docs/foreign-passes.md):
 *
 * <pre>{@code
 * {"dcc":  [{"kid": base64, "certificate": base64 DER, "country": "DE"}, ...],
 *  "dccRevocations": [{"kid": base64, "hashType": "UCI" | "COUNTRYCODEUCI" | "SIGNATURE", "hashes": [base64]}, ...],
 *  "shc":  [{"iss": "https://...", "jwks": {"keys": [...]}, "crls": [{"kid", "method", "ctr", "rids"}, ...]}, ...],
 *  "nzcp": [{"did": "did:web:...", "didDocument": {...}}, ...]}
 * }</pre>
 *
 * <p>Immutable: every {@code with…} returns a new value. Adding checks the material and fails with a message
 * naming what is wrong, so a bundle never carries a key no valid pass could use.
 */
public final class ForeignTrust {
    /** The bundle section of EU DCC signer certificates. */
    public static final String DCC = "dcc";
    /** The bundle section of EU DCC revocation lists (hashes per signer key id and hash type). */
    public static final String DCC_REVOCATIONS = "dccRevocations";
    /** The bundle section of SMART Health Card issuers. */
    public static final String SHC = "shc";
    /** The bundle section of NZ COVID Pass issuers. */
    public static final String NZCP = "nzcp";

    private static final Logger log = LoggerFactory.getLogger(ForeignTrust.class);
    private static final ForeignTrust EMPTY = new ForeignTrust(List.of(), Map.of(), Map.of(), Map.of());

    private final List<DccSigner> dccSigners;
    private final Map<String, ShcIssuer> shcIssuers;
    private final Map<String, NzcpIssuer> nzcpIssuers;
    /** Keyed by hex kid + "/" + hash type, so that lists for the same key and type merge. */
    private final Map<String, DccRevocationList> dccRevocations;

    private ForeignTrust(
            List<DccSigner> dccSigners,
            Map<String, ShcIssuer> shcIssuers,
            Map<String, NzcpIssuer> nzcpIssuers,
            Map<String, DccRevocationList> dccRevocations) {
        this.dccSigners = List.copyOf(new LinkedHashSet<>(dccSigners));
        this.shcIssuers = Collections.unmodifiableMap(new LinkedHashMap<>(shcIssuers));
        this.nzcpIssuers = Collections.unmodifiableMap(new LinkedHashMap<>(nzcpIssuers));
        this.dccRevocations = Collections.unmodifiableMap(new LinkedHashMap<>(dccRevocations));
    }

    public static ForeignTrust empty() {
        return EMPTY;
    }

    /**
     * Reads foreign trust JSON strictly, as an operator's file is read.
     *
     * @throws IllegalArgumentException naming the first entry that is wrong
     */
    public static ForeignTrust fromJson(JsonNode json) {
        return parse(json, error -> {
            throw error;
        });
    }

    /**
     * Reads a signed bundle's foreign section for a scanner: an entry that cannot be used is logged and left out,
     * so its keys stay untrusted while the rest of the bundle keeps working.
     */
    public static ForeignTrust fromBundle(JsonNode json) {
        return parse(
                json,
                error -> log.warn(
                        "trust bundle has foreign trust material that cannot be used, ignoring it: {}",
                        error.getMessage()));
    }

    private static ForeignTrust parse(JsonNode json, Consumer<IllegalArgumentException> onError) {
        if (json == null || json.isMissingNode() || json.isNull()) {
            return EMPTY;
        }
        if (!json.isObject()) {
            throw new IllegalArgumentException(
                    "foreign trust must be a JSON object with dcc, dccRevocations, shc and nzcp lists");
        }
        ForeignTrust trust = EMPTY;
        for (DccSigner signer : entries(json, DCC, DccSigner::fromJson, onError)) {
            trust = trust.withDccSigner(signer);
        }
        for (ShcIssuer issuer : entries(json, SHC, ShcIssuer::fromJson, onError)) {
            trust = trust.withShcIssuer(issuer);
        }
        for (NzcpIssuer issuer : entries(json, NZCP, NzcpIssuer::fromJson, onError)) {
            trust = trust.withNzcpIssuer(issuer);
        }
        for (DccRevocationList list : entries(json, DCC_REVOCATIONS, DccRevocationList::fromJson, onError)) {
            trust = trust.withDccRevocations(list);
        }
        return trust;
    }

    private static <T> List<T> entries(
            JsonNode json, String section, Function<JsonNode, T> reader, Consumer<IllegalArgumentException> onError) {
        List<T> out = new ArrayList<>();
        JsonNode list = json.get(section);
        if (list == null) {
            return out;
        }
        if (!list.isArray()) {
            onError.accept(new IllegalArgumentException("foreign trust '" + section + "' must be a list"));
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            try {
                out.add(reader.apply(list.get(i)));
            } catch (IllegalArgumentException e) {
                onError.accept(new IllegalArgumentException(section + "[" + i + "]: " + e.getMessage(), e));
            }
        }
        return out;
    }

    /** Adds a DCC signer certificate, with the key id the HCERT spec derives and the certificate's country. */
    public ForeignTrust withDccSigner(X509Certificate certificate) {
        return withDccSigner(DccSigner.of(certificate));
    }

    public ForeignTrust withDccSigner(DccSigner signer) {
        List<DccSigner> signers = new ArrayList<>(dccSigners);
        signers.add(signer);
        return new ForeignTrust(signers, shcIssuers, nzcpIssuers, dccRevocations);
    }

    /**
     * Adds an EU DCC revocation list; a list for a key id and hash type already held is joined with it (a revoked
     * certificate stays revoked). The list was checked as it was read ({@link DccRevocationList#fromJson}).
     */
    public ForeignTrust withDccRevocations(DccRevocationList list) {
        Map<String, DccRevocationList> lists = new LinkedHashMap<>(dccRevocations);
        lists.merge(HexFormat.of().formatHex(list.kid()) + "/" + list.type(), list, DccRevocationList::union);
        return new ForeignTrust(dccSigners, shcIssuers, nzcpIssuers, lists);
    }

    /** Adds an SHC issuer, or more keys and newer CRLs for a known one. */
    public ForeignTrust withShcIssuer(ShcIssuer issuer) {
        Map<String, ShcIssuer> issuers = new LinkedHashMap<>(shcIssuers);
        issuers.merge(issuer.iss(), issuer, ShcIssuer::merge);
        return new ForeignTrust(dccSigners, issuers, nzcpIssuers, dccRevocations);
    }

    /** Adds an NZCP issuer; a newer DID document for a known DID replaces the old one. */
    public ForeignTrust withNzcpIssuer(NzcpIssuer issuer) {
        Map<String, NzcpIssuer> issuers = new LinkedHashMap<>(nzcpIssuers);
        issuers.put(issuer.did(), issuer);
        return new ForeignTrust(dccSigners, shcIssuers, issuers, dccRevocations);
    }

    /** Everything in this and {@code other}; {@code other} wins where both describe the same issuer. */
    public ForeignTrust merge(ForeignTrust other) {
        ForeignTrust merged = this;
        for (DccSigner signer : other.dccSigners) {
            merged = merged.withDccSigner(signer);
        }
        for (ShcIssuer issuer : other.shcIssuers.values()) {
            merged = merged.withShcIssuer(issuer);
        }
        for (NzcpIssuer issuer : other.nzcpIssuers.values()) {
            merged = merged.withNzcpIssuer(issuer);
        }
        for (DccRevocationList list : other.dccRevocations.values()) {
            merged = merged.withDccRevocations(list);
        }
        return merged;
    }

    public List<DccSigner> dccSigners() {
        return dccSigners;
    }

    /** The EU DCC revocation lists, one per key id and hash type. */
    public List<DccRevocationList> dccRevocationLists() {
        return List.copyOf(dccRevocations.values());
    }

    /** The EU DCC revocation lists, indexed for the reader. */
    public DccRevocations dccRevocations() {
        return DccRevocations.of(dccRevocationLists());
    }

    public List<ShcIssuer> shcIssuers() {
        return List.copyOf(shcIssuers.values());
    }

    public List<NzcpIssuer> nzcpIssuers() {
        return List.copyOf(nzcpIssuers.values());
    }

    /** The JSON form, as a bundle carries it; sections without entries are left out. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (!dccSigners.isEmpty()) {
            ArrayNode dcc = json.putArray(DCC);
            dccSigners.forEach(s -> dcc.add(s.toJson()));
        }
        if (!dccRevocations.isEmpty()) {
            ArrayNode lists = json.putArray(DCC_REVOCATIONS);
            dccRevocations.values().forEach(l -> lists.add(l.toJson()));
        }
        if (!shcIssuers.isEmpty()) {
            ArrayNode shc = json.putArray(SHC);
            shcIssuers.values().forEach(i -> shc.add(i.toJson()));
        }
        if (!nzcpIssuers.isEmpty()) {
            ArrayNode nzcp = json.putArray(NZCP);
            nzcpIssuers.values().forEach(i -> nzcp.add(i.toJson()));
        }
        return json;
    }

    @Override
    public String toString() {
        return "ForeignTrust[" + dccSigners.size() + " DCC signers, "
                + (dccRevocations.isEmpty() ? "" : dccRevocations.size() + " DCC revocation lists, ")
                + shcIssuers.size() + " SHC issuers, " + nzcpIssuers.size() + " NZCP issuers]";
    }
}
