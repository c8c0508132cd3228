package io.checkpass.server.issuance;

import io.checkpass.core.pass.PassClaims;
import io.checkpass.core.rules.LocalizedText;

/**
 * A credential handed to a wallet provider.
 *
 * @param claims      what it says
 * @param credential  the COSE_Sign1 bytes
 * @param reused      true when this person, device and day already had it (no new serial)
 * @param explanation why the status is what it is, for the holder
 * @param ruleSetId   the medical rule set applied
 */
public record IssueOutcome(
        PassClaims claims, byte[] credential, boolean reused, LocalizedText explanation, String ruleSetId) {}
