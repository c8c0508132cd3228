package io.checkpass.bench.load.rush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class RushStatsTest {

    private static long sum(AtomicLongArray perSecond) {
        long total = 0;
        for (int i = 0; i < perSecond.length(); i++) {
            total += perSecond.get(i);
        }
        return total;
    }

    @Test
    void a_logged_call_is_a_success_a_503_is_shed_and_only_other_5xx_and_silence_are_failures() {
        RushStats stats = new RushStats();

        stats.exchange("SIP INVITE", 603, 1_000_000);
        stats.exchange("POST /api/v1/checkins", 202, 1_000_000);
        stats.exchange("POST /api/v1/checkins", 503, 1_000_000);
        stats.exchange("POST /api/v1/checkins", 500, 1_000_000);
        stats.exchange("POST /api/v1/passes", -1, 1_000_000);
        stats.exchange("SIP INVITE", -1, 1_000_000);

        assertThat(stats.serverErrors.sum()).isEqualTo(1);
        assertThat(sum(stats.shedPerSecond)).isEqualTo(1);
        assertThat(sum(stats.errorsPerSecond))
                .as("the 500 and the two exchanges without an answer")
                .isEqualTo(3);
        assertThat(stats.statusCounts())
                .containsEntry("SIP INVITE 603", 1L)
                .containsEntry("POST /api/v1/checkins 500", 1L)
                .containsEntry("SIP INVITE no answer", 1L);
    }
}
