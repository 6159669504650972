package io.github.altclip4j.cli;

import io.github.altclip4j.tensor.Backend;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;

/** {@code altclip info}: the JVM, the kernels in use, and a short GEMM throughput check at a ViT-L/14 shape. */
final class InfoCommand implements Command {

    @Override public String summary() { return "show the JVM, SIMD kernels and thread count, and measure GEMM speed"; }

    @Override public String usage() { return "[--threads N]"; }

    @Override
    public String description() {
        return "Prints one JSON object: Java version, kernels (vector-512 / vector-256 / scalar), threads, and the\n"
                + "GFLOPS of C = A·W^T at 257x1024x4096 (one ViT-L/14 MLP layer for one image), best of 5 runs.";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads") && i + 1 < args.length) threads = Args.positiveInt("--threads", args[++i]);
            else throw new UsageException("unknown argument '" + args[i] + "'");
        }
        int m = 257, k = 1024, n = 4096;
        double best = 0;
        try (ThreadPool pool = new ThreadPool(threads)) {
            FloatTensor a = FloatTensor.wrap(random(1, m * k), m, k);
            PackedMatrix w = PackedMatrix.pack(FloatTensor.wrap(random(2, n * k), n, k));
            FloatTensor c = FloatTensor.zeros(m, n);
            for (int run = 0; run < 8; run++) {
                long t0 = System.nanoTime();
                Gemm.linear(pool, a, w, null, c);
                if (run >= 3) best = Math.max(best, 2.0 * m * n * k / (System.nanoTime() - t0));
            }
        }
        out.printf(Locale.ROOT, "{\"java\": \"%s\", \"vm\": \"%s\", \"kernels\": \"%s\", \"threads\": %d, "
                        + "\"gemm_257x1024x4096_gflops\": %.1f}%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), Backend.name(), threads, best);
        return 0;
    }

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}
