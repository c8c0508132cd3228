package io.checkpass.core.pass;

/**
 * A freshly signed credential.
 *
 * @param claims  what it says
 * @param encoded the COSE_Sign1 bytes to hand to the holder
 */
public record IssuedCredential(PassClaims claims, byte[] encoded) {}
