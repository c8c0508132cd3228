package io.checkpass.server.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.pass.PassClaims;
import io.checkpass.server.issuance.IssueOutcome;
import java.util.Base64;

/**
 * The JSON shape of a credential, shared by the issuance API and the CLI's credential files: the COSE bytes in
 * base64url under {@code credential}, and for people what they say. Only {@code credential} is authoritative;
 * a verifier trusts the signed bytes alone.
 */
public final class CredentialJson {
    public static final String FORMAT = "checkpass-credential/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CredentialJson() {}

    public static ObjectNode toJson(PassClaims c, byte[] credential) {
        ObjectNode node = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("credential", Base64.getUrlEncoder().withoutPadding().encodeToString(credential))
                .put("serial", c.serial().hex())
                .put("status", c.status().id())
                .put("statusValidFrom", c.statusValidFrom().toString())
                .put("deviceBound", c.deviceBound())
                .put("issuedAt", c.issuedAt().toString())
                .put("expiresAt", c.expiresAt().toString())
                .put("maskedName", c.display().maskedName())
                .put("birthYear", c.display().birthYear());
        c.statusValidUntil().ifPresent(t -> node.put("statusValidUntil", t.toString()));
        return node;
    }

    /** What the issuance API answers: the credential, whether it was reused, and why the status is what it is. */
    public static ObjectNode toJson(IssueOutcome outcome) {
        ObjectNode json = toJson(outcome.claims(), outcome.credential());
        json.put("reused", outcome.reused());
        json.putObject("explanation")
                .put("ko", outcome.explanation().ko())
                .put("en", outcome.explanation().en());
        if (!outcome.ruleSetId().isEmpty()) {
            json.put("ruleSet", outcome.ruleSetId());
        }
        outcome.next()
                .ifPresent(next -> json.set(
                        "next",
                        toJson(next.outcome()).put("useFrom", next.useFrom().toString())));
        return json;
    }
}
