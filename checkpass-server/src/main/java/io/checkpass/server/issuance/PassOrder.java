package io.checkpass.server.issuance;

import java.security.interfaces.ECPublicKey;
import java.util.Optional;

/**
 * A wallet provider's request for a credential: the person it identified, and the holder device's key, or none
 * for a static (paper) pass.
 */
public record PassOrder(String personId, Optional<ECPublicKey> deviceKey) {}
