package io.github.altclip4j.cli;

import io.github.altclip4j.Version;
import io.github.altclip4j.formats.JsonRecords;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.tensor.Backend;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import java.util.Locale;
import java.util.SplittableRandom;

/** {@code altclip info}: the JVM, the kernels in use, and a short GEMM throughput check at a ViT-L/14 shape. */
final class InfoCommand implements Command {

    @Override
    public String summary() {
        return "show the JVM, SIMD kernels and thread count, and measure GEMM speed";
    }

    @Override
    public String description() {
        return "Prints the altclip4j version, Java version, kernels (vector-512 / vector-256 / scalar), threads, the\n"
                + "heap limit, and the GFLOPS of C = A·W^T at 257x1024x4096 (one ViT-L/14 MLP layer for one image), best of\n"
                + "5 runs right after start-up (so below the steady state that altclip bench and the benchmarks measure).";
    }

    @Override
    public OptionSpec options() {
        return new OptionSpec()
                .integer(
                        "--threads",
                        "N",
                        "compute threads",
                        Runtime.getRuntime().availableProcessors(),
                        1,
                        "one per processor")
                .flag("--json", "print one JSON object");
    }

    @Override
    public int run(ParsedArgs args, Console console) {
        int threads = args.integer("--threads");
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
        long heap = Runtime.getRuntime().maxMemory();
        if (args.has("--json")) {
            console.out()
                    .println(new JsonWriter()
                            .any(new Info(
                                    Version.get(),
                                    System.getProperty("java.version"),
                                    System.getProperty("java.vm.name"),
                                    Backend.name(),
                                    threads,
                                    heap >> 20,
                                    Math.round(best * 10) / 10.0)));
            return 0;
        }
        console.out()
                .printf(
                        Locale.ROOT,
                        "altclip4j %s on Java %s (%s)%nkernels:  %s%nthreads:  %d%nmax heap: %.1f GB%n"
                                + "GEMM 257x1024x4096: %.1f GFLOPS%n",
                        Version.get(),
                        System.getProperty("java.version"),
                        System.getProperty("java.vm.name"),
                        Backend.name(),
                        threads,
                        heap / (double) (1L << 30),
                        best);
        return 0;
    }

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** What {@code --json} prints. */
    record Info(
            String version,
            String java,
            String vm,
            String kernels,
            int threads,
            long maxHeapMb,
            @JsonRecords.Name("gemm_257x1024x4096_gflops") double gemmGflops) {}
}
