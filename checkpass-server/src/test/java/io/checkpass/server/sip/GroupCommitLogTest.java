package io.checkpass.server.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.sip.SipFixtures.MemoryLog;
import io.checkpass.server.sip.SipFixtures.PausedLog;
import io.checkpass.server.visits.CheckIn;
import io.checkpass.server.visits.CheckInLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GroupCommitLogTest {

    private static CheckIn call(int i) {
        return new CheckIn(
                UUID.randomUUID(),
                Instant.parse("2021-12-13T03:00:00Z"),
                "cafe-1",
                Optional.empty(),
                CheckIn.Channel.CALL,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(new CheckIn.Contact(new PhoneNumber("010000" + (10000 + i)), Optional.empty())),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    @Test
    void calls_arriving_during_a_write_go_together_in_the_next_and_each_caller_returns_once_stored() throws Exception {
        PausedLog slow = new PausedLog();
        try (GroupCommitLog log = new GroupCommitLog(slow, 100, 50)) {
            List<Thread> callers = new ArrayList<>();
            callers.add(Thread.ofVirtual().start(() -> log.append(List.of(call(0)))));
            assertThat(slow.awaitWriting()).isTrue();
            for (int i = 1; i <= 20; i++) {
                int n = i;
                callers.add(Thread.ofVirtual().start(() -> log.append(List.of(call(n)))));
            }
            while (log.waiting() < 20) {
                Thread.onSpinWait();
            }
            assertThat(callers)
                    .as("nobody returns before the write that carries them")
                    .allMatch(Thread::isAlive);
            slow.release();
            for (Thread t : callers) {
                t.join(5000);
            }
        }

        assertThat(slow.memory.appended).hasSize(21);
        assertThat(slow.batchSizes).containsExactly(1, 20);
    }

    @Test
    void a_retransmitted_call_already_stored_is_reported_as_a_duplicate_not_as_inserted() {
        MemoryLog memory = new MemoryLog();
        CheckIn first = call(1);
        try (GroupCommitLog log = new GroupCommitLog(memory, 10, 10)) {
            assertThat(log.append(List.of(first))).isEqualTo(new CheckInLog.Stored(1, 0));
            assertThat(log.append(List.of(first, call(2)))).isEqualTo(new CheckInLog.Stored(1, 1));
            assertThat(log.appendEach(List.of(call(3), first))).containsExactly(true, false);
        }
        assertThat(memory.appended).hasSize(3);
    }

    @Test
    void a_failed_write_fails_every_caller_in_it_and_a_closed_log_takes_nothing() {
        MemoryLog memory = new MemoryLog();
        memory.down = true;
        GroupCommitLog log = new GroupCommitLog(memory, 10, 10);

        assertThatThrownBy(() -> log.append(List.of(call(1)))).hasMessageContaining("Connection refused");
        log.close();
        assertThatThrownBy(() -> log.append(List.of(call(2)))).hasMessageContaining("closed");
    }
}
