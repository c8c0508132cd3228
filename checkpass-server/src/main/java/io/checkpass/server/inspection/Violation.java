package io.checkpass.server.inspection;

import io.checkpass.server.inspection.SanctionSchedule.Offender;
import io.checkpass.server.inspection.SanctionSchedule.Text;
import java.time.Instant;
import java.time.Period;
import java.util.Optional;
import java.util.UUID;

/**
 * A violation found in an inspection and the sanction the schedule set for it: its fine and, for an operator, the
 * administrative order. A fine is voided at most once, with a reason.
 *
 * @param personId       the user's registry id (a user violation), checked on site against {@code idDocument}
 * @param repeatNumber   1 for a first violation within the schedule's window, 2 for a second, ...
 * @param voidSuggested  why a void is suggested (the centre was degraded at the time), if it is
 */
public record Violation(
        UUID violationId,
        UUID inspectionId,
        Offender offender,
        String venueId,
        String districtCode,
        Optional<String> personId,
        Optional<String> idDocument,
        Instant occurredAt,
        String scheduleVersion,
        int repeatNumber,
        long fineKrw,
        Optional<String> orderCode,
        Optional<Period> orderPeriod,
        Optional<Text> voidSuggested,
        Optional<Voided> voided) {

    /** A void: when, by whom, why. */
    public record Voided(Instant at, String by, String reason) {}

    /** The suggestion made when the centre was degraded during the hours before the inspection. */
    public static final String CENTRE_DEGRADED = "CENTRE_DEGRADED";

    public static final Text CENTRE_DEGRADED_TEXT = new Text(
            "적발 당시 센터 장애: 시스템 장애로 방역패스를 확인할 수 없었을 수 있어 과태료 취소를 권고합니다",
            "Centre degraded at the time: passes may have been impossible to check, so voiding the fine is suggested");
}
