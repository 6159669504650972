package io.github.altclip4j.bench;

import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.tensor.Warmup;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The GEMM as a fresh JVM compiles it, in five seconds: optionally the JIT warm-up first (as a model load runs it),
 * then 40 rounds of the ViT MLP's two products (257 x 1024 x 4096 and back) on all threads, and the best round's
 * GFLOPS. Run it in many fresh JVMs to see whether the kernels' speed depends on the start (it did: docs/performance.md,
 * "The JIT cliff"):
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp bench/target/benchmarks.jar \
 *       io.github.altclip4j.bench.WarmGemm warm|cold
 * </pre>
 */
public final class WarmGemm {
    private WarmGemm() {}

    public static void main(String[] args) throws InterruptedException {
        Thread warmup = null;
        if (args.length > 0 && args[0].equals("warm")) {
            warmup = new Thread(() -> Warmup.run(false, DType.F32));
            warmup.start();
        }
        int m = 257, k = 1024, n = 4096;
        FloatTensor x = random(1, m, k), hidden = FloatTensor.zeros(m, n), out = FloatTensor.zeros(m, k);
        PackedMatrix fc1 = PackedMatrix.pack(random(2, n, k)), fc2 = PackedMatrix.pack(random(3, k, n));
        if (warmup != null) warmup.join();
        ThreadPool pool = ThreadPool.shared();
        double best = 0;
        for (int round = 0; round < 40; round++) {
            long t0 = System.nanoTime();
            Gemm.linear(pool, x, fc1, null, hidden);
            Gemm.linear(pool, hidden, fc2, null, out);
            best = Math.max(best, 4.0 * m * k * n / (System.nanoTime() - t0));
        }
        System.out.printf(Locale.ROOT, "best of 40: %.1f GFLOPS%n", best);
    }

    private static FloatTensor random(long seed, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextDouble();
        return FloatTensor.wrap(v, rows, cols);
    }
}
