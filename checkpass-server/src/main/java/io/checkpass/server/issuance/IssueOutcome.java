package io.checkpass.server.issuance;

import io.checkpass.core.pass.PassClaims;
import io.checkpass.core.rules.LocalizedText;
import java.time.Instant;
import java.util.Optional;

/**
 * A credential handed to a wallet provider.
 *
 * @param claims      what it says
 * @param credential  the COSE_Sign1 bytes
 * @param reused      true when the ledger already held it (no new serial)
 * @param explanation why the status is what it is, for the holder
 * @param ruleSetId   the medical rule set applied
 * @param next        the credential the medical rules taking force soon decide, for the wallet to switch to then
 */
public record IssueOutcome(
        PassClaims claims,
        byte[] credential,
        boolean reused,
        LocalizedText explanation,
        String ruleSetId,
        Optional<Next> next) {

    public IssueOutcome(
            PassClaims claims, byte[] credential, boolean reused, LocalizedText explanation, String ruleSetId) {
        this(claims, credential, reused, explanation, ruleSetId, Optional.empty());
    }

    /** A credential decided under rules that take force at {@code useFrom}: the wallet switches to it then. */
    public record Next(Instant useFrom, IssueOutcome outcome) {}

    IssueOutcome withNext(Optional<Next> next) {
        return new IssueOutcome(claims, credential, reused, explanation, ruleSetId, next);
    }
}
