package io.github.altclip4j.tensor;

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
 * <p>Workers spin briefly before parking, because a forward pass issues thousands of small jobs back to back.
 * Jobs from different caller threads are run one after another; a {@code parallelFor} issued from inside a task
 * runs inline on that thread.
 */
public final class ThreadPool implements AutoCloseable {

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock submitLock = new ReentrantLock();
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();
    private final ThreadLocal<Boolean> insideTask = ThreadLocal.withInitial(() -> false);
    private volatile Job current;
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
        submitLock.lock();
        try {
            Job job = new Job(tasks, body, Thread.currentThread());
            wakeLock.lock();
            try {
                current = job;
                generation++;
                wake.signalAll();
            } finally {
                wakeLock.unlock();
            }
            runTasks(job);
            awaitDone(job);
            current = null;
            Throwable failure = job.failure;
            if (failure instanceof RuntimeException) throw (RuntimeException) failure;
            if (failure instanceof Error) throw (Error) failure;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            submitLock.unlock();
        }
    }

    private void runTasks(Job job) {
        insideTask.set(true);
        try {
            int i;
            while ((i = job.next.getAndIncrement()) < job.tasks) {
                try {
                    if (job.failure == null) job.body.accept(i);
                } catch (Throwable t) {
                    job.failure = t;
                }
                if (job.done.incrementAndGet() == job.tasks) LockSupport.unpark(job.caller);
            }
        } finally {
            insideTask.set(false);
        }
    }

    private static void awaitDone(Job job) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (job.done.get() < job.tasks) {
            if (System.nanoTime() < spinUntil) Thread.onSpinWait();
            else LockSupport.parkNanos(50_000);
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed && System.nanoTime() < spinUntil) Thread.onSpinWait();
            if (generation == seen && !closed) {
                wakeLock.lock();
                try {
                    while (generation == seen && !closed) wake.awaitUninterruptibly();
                } finally {
                    wakeLock.unlock();
                }
            }
            if (closed) return;
            seen = generation;
            Job job = current;
            if (job != null) runTasks(job);
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
