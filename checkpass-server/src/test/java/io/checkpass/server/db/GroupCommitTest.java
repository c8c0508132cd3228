package io.checkpass.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void items_waiting_together_are_written_together_and_each_gets_its_own_result() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        List<List<Integer>> writes = new CopyOnWriteArrayList<>();
        try (GroupCommit<Integer, String> group = new GroupCommit<>(
                "test",
                batch -> {
                    writes.add(batch);
                    firstWriteStarted.countDown();
                    await(releaseFirstWrite);
                    return batch.stream().map(i -> "item " + i).toList();
                },
                100,
                100)) {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> group.submit(0));
            assertThat(firstWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<String>> next = IntStream.rangeClosed(1, 5)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> group.submit(i)))
                    .toList();
            while (group.waiting() < 5) {
                Thread.sleep(5);
            }
            releaseFirstWrite.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("item 0");
            for (int i = 1; i <= 5; i++) {
                assertThat(next.get(i - 1).get(10, TimeUnit.SECONDS)).isEqualTo("item " + i);
            }
            assertThat(writes).hasSize(2);
            assertThat(writes.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        }
    }

    @Test
    void past_its_capacity_a_submit_is_rejected_at_once_so_the_caller_can_shed_load() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> group = new GroupCommit<>(
                "tiny",
                batch -> {
                    writing.countDown();
                    await(release);
                    return batch;
                },
                1,
                1)) {
            CompletableFuture<Integer> inWrite = CompletableFuture.supplyAsync(() -> group.submit(1));
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> queued = CompletableFuture.supplyAsync(() -> group.submit(2));
            while (group.waiting() < 1) {
                Thread.sleep(5);
            }

            assertThatThrownBy(() -> group.submit(3))
                    .isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("tiny");

            release.countDown();
            assertThat(inWrite.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
