package io.checkpass.core.rules;

import static io.checkpass.core.rules.JsonFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.registry.VaccineProduct;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The vaccines a jurisdiction accepts on a foreign pass, as data ({@code vaccineProducts} in the medical rules
 * document; for Korea, {@code rules/kr/vaccine-products.json}): each product with the codes foreign passes name it by
 * (the EU DCC value set, CVX for SMART Health Cards) and the doses of its primary series. A dose whose code is not
 * listed proves nothing. Immutable.
 *
 * <pre>{@code
 * {"products": [{"product": "pfizer", "name": "Comirnaty (Pfizer-BioNTech)", "primaryDoses": 2,
 *                "dcc": ["EU/1/20/1528"], "cvx": ["208", "217"]}, ...]}
 * }</pre>
 */
public final class VaccineProducts {
    private static final VaccineProducts NONE = new VaccineProducts(Map.of(), Map.of());

    private final Map<String, VaccineProduct> byDcc;
    private final Map<String, VaccineProduct> byCvx;

    private VaccineProducts(Map<String, VaccineProduct> byDcc, Map<String, VaccineProduct> byCvx) {
        this.byDcc = Map.copyOf(byDcc);
        this.byCvx = Map.copyOf(byCvx);
    }

    /** No product accepted: rules without a {@code vaccineProducts} section accept no foreign vaccination. */
    public static VaccineProducts none() {
        return NONE;
    }

    /**
     * Reads the section and checks it: every product is a checkpass vaccine whose primary series has the doses the
     * section says (the page counts doses by this section, the status engine by {@link VaccineProduct}, and they
     * must agree), and no code names two products.
     *
     * @throws RulesFormatException naming the entry and field at fault
     */
    public static VaccineProducts fromDocument(JsonNode section) {
        String where = "medical rules vaccineProducts";
        if (section == null || !section.isObject()) {
            throw new RulesFormatException(where + " must be an object with a 'products' array");
        }
        Map<String, VaccineProduct> byDcc = new HashMap<>();
        Map<String, VaccineProduct> byCvx = new HashMap<>();
        int i = 0;
        for (JsonNode entry : array(section, "products", where)) {
            String at = where + " products[" + i++ + "]";
            VaccineProduct product;
            String id = text(entry, "product", at);
            try {
                product = VaccineProduct.valueOf(id.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new RulesFormatException(at + ": 'product' = '" + id + "' is not a checkpass vaccine");
            }
            int doses = integer(entry, "primaryDoses", at, 1, 9);
            if (doses != product.primaryDoses()) {
                throw new RulesFormatException(
                        at + ": 'primaryDoses' = " + doses + " but " + product.id() + " has " + product.primaryDoses());
            }
            for (String code : textArray(entry, "dcc", at)) {
                if (byDcc.put(code, product) != null) {
                    throw new RulesFormatException(at + ": DCC code '" + code + "' is listed twice");
                }
            }
            for (String code : textArray(entry, "cvx", at)) {
                if (byCvx.put(code, product) != null) {
                    throw new RulesFormatException(at + ": CVX code '" + code + "' is listed twice");
                }
            }
        }
        return new VaccineProducts(byDcc, byCvx);
    }

    /** The product an EU DCC names by its {@code mp} code, if accepted. */
    public Optional<VaccineProduct> byDccCode(String mp) {
        return Optional.ofNullable(byDcc.get(mp));
    }

    /** The product a FHIR Immunization names by its CVX code, if accepted. */
    public Optional<VaccineProduct> byCvx(String code) {
        return Optional.ofNullable(byCvx.get(code));
    }

    @Override
    public String toString() {
        return "VaccineProducts[" + byDcc.size() + " DCC codes, " + byCvx.size() + " CVX codes]";
    }
}
