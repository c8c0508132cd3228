package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Which failures are the database being away or overloaded (503, retry) rather than our fault (500). */
class ProblemsTest {

    @Test
    void the_database_going_away_or_a_full_write_queue_is_storage_unavailable() {
        assertThat(Problems.storageUnavailable(new IllegalStateException(
                        "cannot store 9 check-ins",
                        new SQLException("terminating connection due to administrator command", "57P01"))))
                .isTrue();
        assertThat(Problems.storageUnavailable(new IllegalStateException(
                        "cannot read the registry",
                        new SQLException("An I/O error occurred while sending to the backend.", "08006"))))
                .isTrue();
        assertThat(Problems.storageUnavailable(
                        new IllegalStateException("x", new SQLTransientConnectionException("pool timeout"))))
                .isTrue();
        assertThat(Problems.storageUnavailable(
                        new RejectedExecutionException("issuance-reads: queue full (10000 waiting)")))
                .isTrue();
    }

    @Test
    void a_bug_is_not() {
        assertThat(Problems.storageUnavailable(new IllegalStateException("unknown row kind")))
                .isFalse();
        assertThat(Problems.storageUnavailable(
                        new IllegalStateException("x", new SQLException("syntax error", "42601"))))
                .isFalse();
        assertThat(Problems.storageUnavailable(new NullPointerException())).isFalse();
    }
}
