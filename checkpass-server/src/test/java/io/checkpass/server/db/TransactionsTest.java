package io.checkpass.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransactionsTest {

    /** A connection whose only working method is rollback, which fails or not as asked. */
    private static Connection connection(boolean rollbackFails, AtomicInteger rollbacks) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("rollback")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    rollbacks.incrementAndGet();
                    if (rollbackFails) {
                        throw new SQLException("Connection is closed"); // what HikariCP says once PostgreSQL is gone
                    }
                    return null;
                });
    }

    @Test
    void a_failed_rollback_leaves_the_failure_that_says_why() {
        AtomicInteger rollbacks = new AtomicInteger();
        SQLException databaseGone = new SQLException("terminating connection due to administrator command", "57P01");

        Transactions.rollbackAfter(connection(true, rollbacks), databaseGone);

        assertThat(rollbacks).hasValue(1);
        assertThat(databaseGone.getSQLState()).isEqualTo("57P01");
        assertThat(databaseGone.getSuppressed())
                .singleElement()
                .extracting(Throwable::getMessage)
                .isEqualTo("Connection is closed");
    }

    @Test
    void a_rollback_that_works_adds_nothing() {
        AtomicInteger rollbacks = new AtomicInteger();
        RuntimeException failure = new IllegalStateException("bad row");

        Transactions.rollbackAfter(connection(false, rollbacks), failure);

        assertThat(rollbacks).hasValue(1);
        assertThat(failure.getSuppressed()).isEmpty();
    }
}
