package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void refusesZeroThreads() {
        assertThatThrownBy(() -> new ThreadPool(0)).hasMessageContaining("at least 1");
    }
}
