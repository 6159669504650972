package io.github.altclip4j.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Dynamic batching for one tower: requests' items wait in a bounded queue, and one worker thread takes up to
 * {@code maxBatch} of them (waiting at most {@code waitMillis} for more after the first) per forward pass, so
 * concurrent requests share the engine's batch speed. A full queue refuses new work at once (the server answers 429),
 * and so does one whose work (items times the measured seconds per item) would outlast the wait a request is given;
 * the tower's results do not depend on the batch an item is in (every row is computed alone), so an item gets the same
 * bits whether it is batched or served alone.
 */
final class Batcher<I, O> implements AutoCloseable {
    private record Job<I, O>(I item, CompletableFuture<O> result) {}

    private final LinkedBlockingQueue<Job<I, O>> queue;
    private final int capacity, maxBatch;
    private final long waitNanos;
    private final Function<List<I>, List<O>> run;
    private final Metrics.Histogram batchSizes;
    private final Thread worker;
    private volatile boolean closing;
    /** Items promised room by {@link #reserve} and not yet submitted. */
    private int reserved;
    /** The longest wait a new item may face: longer ones are refused, so nothing admitted ends in a timeout. */
    private final long maxWaitNanos;
    /** Seconds of tower time per item: a first estimate, then a moving average of the batches run. */
    private volatile double secondsPerItem;

    Batcher(
            String name,
            int maxBatch,
            long waitMillis,
            int capacity,
            long maxWaitSeconds,
            double firstSecondsPerItem,
            Function<List<I>, List<O>> run,
            Metrics.Histogram batchSizes) {
        this.maxWaitNanos = TimeUnit.SECONDS.toNanos(maxWaitSeconds);
        this.secondsPerItem = firstSecondsPerItem;
        this.queue = new LinkedBlockingQueue<>();
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
        this.run = run;
        this.batchSizes = batchSizes;
        this.worker = new Thread(this::work, "altclip4j-batcher-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** A new first estimate of an item's seconds (a tower loaded later, warmed up alone). */
    void estimate(double seconds) {
        secondsPerItem = seconds;
    }

    /** Queues every item, or none of them if they do not fit (then the caller answers 429). */
    synchronized List<CompletableFuture<O>> submit(List<I> items) throws HttpError {
        reserve(items.size());
        return submitReserved(items);
    }

    /**
     * Holds room for {@code n} items that still have to be prepared (images to decode), or refuses at once: a burst is
     * turned away before it decodes anything. The room is used by {@link #submitReserved} or given back by
     * {@link #release}.
     */
    synchronized void reserve(int n) throws HttpError {
        if (closing) throw new HttpError(503, "unavailable", "the server is shutting down");
        int waiting = queue.size() + reserved + n;
        if (waiting > capacity) {
            throw new HttpError(429, "overloaded", "the queue is full (" + capacity + " items); retry later");
        }
        if (waiting * secondsPerItem * 1e9 > maxWaitNanos) {
            throw new HttpError(
                    429,
                    "overloaded",
                    "the queue holds " + (waiting - n) + " items, about " + Math.round((waiting - n) * secondsPerItem)
                            + " s of work; retry later");
        }
        reserved += n;
    }

    synchronized void release(int n) {
        reserved -= n;
    }

    /** Queues items whose room {@link #reserve} holds. */
    synchronized List<CompletableFuture<O>> submitReserved(List<I> items) {
        reserved -= items.size();
        List<CompletableFuture<O>> out = new ArrayList<>();
        for (I item : items) {
            CompletableFuture<O> f = new CompletableFuture<>();
            queue.add(new Job<>(item, f));
            out.add(f);
        }
        return out;
    }

    int depth() {
        return queue.size();
    }

    private void work() {
        List<Job<I, O>> batch = new ArrayList<>();
        while (!(closing && queue.isEmpty())) {
            try {
                Job<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                long deadline = System.nanoTime() + waitNanos;
                while (batch.size() < maxBatch) {
                    Job<I, O> next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                if (!closing) continue;
            }
            if (batch.isEmpty()) continue;
            List<I> items = new ArrayList<>();
            for (Job<I, O> j : batch) items.add(j.item());
            batchSizes.observe(items.size());
            try {
                long t0 = System.nanoTime();
                List<O> results = run.apply(items);
                double perItem = (System.nanoTime() - t0) / 1e9 / items.size();
                secondsPerItem = 0.8 * secondsPerItem + 0.2 * perItem;
                for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(results.get(i));
            } catch (RuntimeException | Error e) {
                for (Job<I, O> j : batch) j.result().completeExceptionally(e);
            }
            batch.clear();
        }
    }

    /** Stops taking new items; the queued ones are still run. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closing = true;
        }
        worker.join(TimeUnit.SECONDS.toMillis(60));
    }
}
