package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ThreadPoolTest {

    @Test
    void everyTaskRunsExactlyOnceManyTimesOver() {
        try (ThreadPool pool = new ThreadPool(3)) {
            for (int round = 0; round < 2000; round++) {
                int n = 1 + round % 37;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                pool.parallelFor(n, hits::incrementAndGet);
                for (int i = 0; i < n; i++)
                    assertThat(hits.get(i)).as("round %d task %d", round, i).isEqualTo(1);
            }
        }
    }

    @Test
    void aFailingTaskFailsTheCallAndThePoolStaysUsable() {
        try (ThreadPool pool = new ThreadPool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(10, i -> {
                        if (i == 7) throw new IllegalStateException("task 7");
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 7");
            AtomicIntegerArray hits = new AtomicIntegerArray(5);
            pool.parallelFor(5, hits::incrementAndGet);
            assertThat(hits.toString()).isEqualTo("[1, 1, 1, 1, 1]");
        }
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws Exception {
        try (ThreadPool pool = new ThreadPool(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(16);
            pool.parallelFor(4, i -> pool.parallelFor(4, j -> hits.incrementAndGet(i * 4 + j)));
            for (int i = 0; i < 16; i++) assertThat(hits.get(i)).isEqualTo(1);

            AtomicIntegerArray counts = new AtomicIntegerArray(2);
            Thread[] callers = new Thread[2];
            for (int c = 0; c < 2; c++) {
                int id = c;
                callers[c] = new Thread(() -> {
                    for (int r = 0; r < 500; r++) pool.parallelFor(8, i -> counts.incrementAndGet(id));
                });
                callers[c].start();
            }
            for (Thread t : callers) t.join(60_000);
            assertThat(counts.get(0)).isEqualTo(4000);
            assertThat(counts.get(1)).isEqualTo(4000);
        }
    }

    /**
     * A job submitted while another runs is not queued behind it: here the first job's tasks cannot finish until the
     * second job has, which deadlocks (until the timeout) a pool that runs callers' jobs one after another.
     */
    @Test
    void aJobFromAnotherCallerRunsWhileALongJobIsInProgress() throws Exception {
        try (ThreadPool pool = new ThreadPool(2)) {
            CountDownLatch longJobRunning = new CountDownLatch(1), shortJobDone = new CountDownLatch(1);
            AtomicIntegerArray released = new AtomicIntegerArray(4);
            Thread longCaller = new Thread(() -> pool.parallelFor(4, i -> {
                longJobRunning.countDown();
                try {
                    if (shortJobDone.await(20, TimeUnit.SECONDS)) released.set(i, 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            longCaller.start();
            assertThat(longJobRunning.await(20, TimeUnit.SECONDS)).isTrue();
            AtomicIntegerArray hits = new AtomicIntegerArray(6);
            pool.parallelFor(6, hits::incrementAndGet);
            shortJobDone.countDown();
            longCaller.join(30_000);
            assertThat(hits.toString()).isEqualTo("[1, 1, 1, 1, 1, 1]");
            assertThat(released.toString()).isEqualTo("[1, 1, 1, 1]");
        }
    }

    @Test
    void refusesZeroThreads() {
        assertThatThrownBy(() -> new ThreadPool(0)).hasMessageContaining("at least 1");
    }
}
