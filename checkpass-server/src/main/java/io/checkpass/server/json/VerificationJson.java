package io.checkpass.server.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifiedPass;

/**
 * The JSON shape of a verification result, shared by the CLI and the verify API: {@code verdict}, {@code reason},
 * the reason's text, what staff may see of the pass, and the schema deviations a foreign reader read past
 * ({@code warnings}, only when there are some).
 */
public final class VerificationJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VerificationJson() {}

    public static ObjectNode toJson(VerificationResult result) {
        ObjectNode node = JSON.createObjectNode()
                .put("verdict", result.verdict().name())
                .put("reason", result.reason().name());
        node.putObject("reasonText")
                .put("ko", result.reason().text().ko())
                .put("en", result.reason().text().en());
        result.condition()
                .ifPresent(c -> node.putObject("condition")
                        .put("id", c.id())
                        .put("ko", c.text().ko())
                        .put("en", c.text().en()));
        result.pass().ifPresent(pass -> writePass(node, pass));
        if (!result.warnings().isEmpty()) {
            // What a foreign reader read past (docs/foreign-passes.md): shown beside the verdict, never admitting.
            ArrayNode warnings = node.putArray("warnings");
            result.warnings()
                    .forEach(w -> warnings.addObject().put("field", w.field()).put("message", w.message()));
        }
        return node;
    }

    private static void writePass(ObjectNode node, VerifiedPass pass) {
        node.put("format", pass.format().name())
                .put("issuer", pass.issuer())
                .put("serial", pass.id())
                .put("status", pass.status().id())
                .put("statusValidFrom", pass.statusValidFrom().toString())
                .put("deviceBound", pass.deviceBound());
        pass.statusValidUntil().ifPresent(t -> node.put("statusValidUntil", t.toString()));
        pass.expiresAt().ifPresent(t -> node.put("expiresAt", t.toString()));
        pass.presentedAt().ifPresent(t -> node.put("presentedAt", t.toString()));
        pass.display().ifPresent(d -> node.put("maskedName", d.maskedName()).put("birthYear", d.birthYear()));
    }
}
