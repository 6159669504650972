package io.github.altclip4j.tensor;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A self-check users see: notices, once per JVM, matrix products that run far below this CPU's FMA peak for longer
 * than a JIT warm-up, and says so on stderr.
 *
 * <p>Why: a Vector API kernel that C2 has not compiled into vector instructions still gives the right numbers, 10-50x
 * slower, and before the kernels followed the rule in {@link Vectors} one JVM in two or three stayed that way for its
 * whole life (an image in 35 s instead of 1 s). A user would only see a slow program. The check measures the peak
 * once, at the end of the JIT warm-up ({@link #measurePeak}: independent FMA chains on registers, per CPU second),
 * then compares the GEMM's tasks against it in CPU time, so a busy machine (other processes on the cores) does not
 * look like a slow kernel: compiled, the GEMM runs at 50-80% of that peak; uncompiled, at 1-5%.
 */
final class KernelCheck {
    /** Below this fraction of the peak a window of GEMM work counts as slow. */
    static final double SLOW_FRACTION = 0.1;
    /** CPU time a window covers: much longer than one compilation, much shorter than the slow forward passes. */
    static final long WINDOW_NANOS = 500_000_000L;
    /** Consecutive slow windows before the warning: a cold JVM's first seconds are slow too. */
    static final int SLOW_WINDOWS = 3;
    /** Tasks smaller than this are not timed (the clock costs ~1 us). */
    static final long MIN_TASK_FLOPS = 20_000_000L;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The JVM's check: no peak (no check) until the JIT warm-up measures it. */
    private static volatile KernelCheck shared;

    private final double peak;
    private final PrintStream err;
    private long windowFlops, windowNanos;
    private int slowWindows;
    private boolean warned;

    /** A check against {@code peak} flops per CPU nanosecond, warning on {@code err}. */
    KernelCheck(double peak, PrintStream err) {
        this.peak = peak;
        this.err = err;
    }

    /** This thread's CPU time in nanoseconds, or -1 where the JVM cannot measure it. */
    static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /**
     * Measures one core's FMA peak through the kernels (best of 20 runs of about 1 ms of FMA chains) and starts the
     * JVM's check against it.
     */
    static void measurePeak(Kernels kern) {
        if (cpuNanos() < 0) return;
        float[] acc = new float[kern.panelWidth() * 8];
        double best = 0;
        for (int run = 0; run < 20; run++) {
            long t0 = cpuNanos();
            long flops = kern.fmaChains(acc, 100_000);
            long t = cpuNanos() - t0;
            if (t > 0) best = Math.max(best, (double) flops / t);
        }
        shared = new KernelCheck(best, System.err);
    }

    /** One GEMM task's work for the JVM's check: {@code flops} in {@code nanos} of its thread's CPU time. */
    static void recordTask(long flops, long nanos) {
        KernelCheck check = shared;
        if (check != null && nanos > 0) check.record(flops, nanos);
    }

    /** Adds work to the current window; returns whether this call printed the warning. */
    synchronized boolean record(long flops, long nanos) {
        if (warned) return false;
        windowFlops += flops;
        windowNanos += nanos;
        if (windowNanos < WINDOW_NANOS) return false;
        double rate = windowFlops / (double) windowNanos;
        windowFlops = windowNanos = 0;
        slowWindows = rate < SLOW_FRACTION * peak ? slowWindows + 1 : 0;
        if (slowWindows < SLOW_WINDOWS) return false;
        warned = true;
        err.printf(
                "altclip4j: WARNING: matrix products run at %.1f GFLOPS per core, %.1f%% of the %.0f this CPU reaches"
                        + " (compiled, they run at 50-80%%): the JIT compiler has not compiled the kernels in this"
                        + " JVM. Results are correct, only slow. Restarting the process usually cures it; if it"
                        + " persists, please report it with the JVM's version and the output of"
                        + " -XX:+PrintCompilation.%n",
                rate, 100 * rate / peak, peak);
        return true;
    }
}
