package io.github.altclip4j.tensor;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads that run {@code parallelFor} jobs: tasks {@code 0..n-1} are handed out one at a
 * time from a shared counter, the calling thread works too, and the call returns when all are done.
 *
 * <p>Which thread runs which task varies from run to run, so callers make every task write its own disjoint
 * output with a fixed order of arithmetic inside: then the result cannot depend on the thread count. That is
 * the rule all kernels here follow (split over output tiles, never over a reduction).
 *
 * <p><b>Several callers at once.</b> Jobs from different threads run side by side: each caller works on its own
 * job, and a worker takes its next task from the newest job that has tasks left. So a short job submitted while a
 * long one runs (a text query's layer while an 8-image batch is in its MLP) gets the workers after their current
 * task instead of after the whole long job, and one forward pass made of many jobs is not made to wait behind
 * every job of the other's (a text embedding took 12.8x its time alone behind image batches when jobs queued).
 *
 * <p>Workers spin briefly before parking, because a forward pass issues thousands of small jobs back to back. A
 * {@code parallelFor} issued from inside a task runs inline on that thread.
 */
public final class ThreadPool implements AutoCloseable {

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();
    private final ThreadLocal<Boolean> insideTask = ThreadLocal.withInitial(() -> false);
    /** The jobs in progress, oldest first; replaced (never changed in place) under {@link #wakeLock}. */
    private volatile Job[] active = new Job[0];
    /** Counts submitted jobs: a worker that saw no work parks until it changes. */
    private volatile long generation;

    private volatile boolean closed;

    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        /** Runs one task if any is left; false when all have been handed out. */
        boolean runOne() {
            int i = next.getAndIncrement();
            if (i >= tasks) return false;
            try {
                if (failure == null) body.accept(i);
            } catch (Throwable t) {
                failure = t;
            }
            if (done.incrementAndGet() == tasks) LockSupport.unpark(caller);
            return true;
        }
    }

    /** A pool of {@code threads} threads in total, the caller included ({@code threads - 1} workers). */
    public ThreadPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "altclip4j-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    private static final class Shared {
        static final ThreadPool INSTANCE = new ThreadPool(Runtime.getRuntime().availableProcessors());
    }

    /** A process-wide pool with one thread per available processor, created on first use. */
    public static ThreadPool shared() {
        return Shared.INSTANCE;
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for every i in {@code [0, tasks)} and waits for all of them. */
    public void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        if (closed) throw new IllegalStateException("thread pool is closed");
        if (tasks == 1 || workers.length == 0 || insideTask.get()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        Job job = new Job(tasks, body, Thread.currentThread());
        publish(job);
        insideTask.set(true);
        try {
            while (job.runOne()) {
                // the caller works on its own job
            }
        } finally {
            insideTask.set(false);
        }
        awaitDone(job);
        retire(job);
        Throwable failure = job.failure;
        if (failure instanceof RuntimeException) throw (RuntimeException) failure;
        if (failure instanceof Error) throw (Error) failure;
        if (failure != null) throw new IllegalStateException(failure);
    }

    private void publish(Job job) {
        wakeLock.lock();
        try {
            Job[] jobs = Arrays.copyOf(active, active.length + 1);
            jobs[jobs.length - 1] = job;
            active = jobs;
            generation++;
            wake.signalAll();
        } finally {
            wakeLock.unlock();
        }
    }

    private void retire(Job job) {
        wakeLock.lock();
        try {
            Job[] jobs = active, left = new Job[jobs.length - 1];
            for (int i = 0, j = 0; i < jobs.length; i++) if (jobs[i] != job) left[j++] = jobs[i];
            active = left;
        } finally {
            wakeLock.unlock();
        }
    }

    private static void awaitDone(Job job) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (job.done.get() < job.tasks) {
            if (System.nanoTime() < spinUntil) Thread.onSpinWait();
            else LockSupport.parkNanos(50_000);
        }
    }

    /** Runs one task of the newest job that has tasks left; false if there is none. */
    private boolean runNewest() {
        Job[] jobs = active;
        for (int i = jobs.length - 1; i >= 0; i--) if (jobs[i].runOne()) return true;
        return false;
    }

    private void workerLoop() {
        insideTask.set(true);
        while (!closed) {
            long seen = generation;
            if (runNewest()) continue;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed && System.nanoTime() < spinUntil) Thread.onSpinWait();
            if (generation != seen) continue;
            wakeLock.lock();
            try {
                while (generation == seen && !closed) wake.awaitUninterruptibly();
            } finally {
                wakeLock.unlock();
            }
        }
    }

    /** Stops the workers; the shared pool is never closed. */
    @Override
    public void close() {
        if (this == Shared.INSTANCE) return;
        wakeLock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            wakeLock.unlock();
        }
    }
}
