package io.checkpass.core.time;

import java.time.ZoneId;

/**
 * Korea Standard Time, the zone in which the centre counts days (an enforcement day, the issuance cache's day,
 * check-ins per day), reads a date without a zone, and which the medical rules name for their own day counts.
 */
public final class KoreaTime {
    /** Asia/Seoul: UTC+9, without daylight saving since 1988. */
    public static final ZoneId KST = ZoneId.of("Asia/Seoul");

    private KoreaTime() {}
}
