package io.checkpass.server.compliance;

/**
 * One thing the door log shows about a venue: data, not a verdict on it.
 *
 * @param code   {@code NO_SCANS_WHILE_OPEN}, {@code WRONG_VENUE_TYPE}, {@code SCANNER_OFFLINE} or
 *               {@code CENTRE_DEGRADED} (docs/compliance.md)
 * @param detail the evidence, in words: which hours, which types, which scanner, how many checks
 */
public record Finding(String code, String detail) {
    public static final String NO_SCANS_WHILE_OPEN = "NO_SCANS_WHILE_OPEN";
    public static final String WRONG_VENUE_TYPE = "WRONG_VENUE_TYPE";
    public static final String SCANNER_OFFLINE = "SCANNER_OFFLINE";
    public static final String CENTRE_DEGRADED = "CENTRE_DEGRADED";
}
