package io.github.altclip4j.bench;

import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.HalfTensor;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A · W^T} at AltCLIP's real GEMM shapes ({@code MxKxN}: M tokens, K inputs, N outputs), with F32 or
 * BF16 weights, on 1 or 2 threads. {@code weights=cold} cycles through enough copies of W (>= 1 GiB) that every
 * call reads its weights from DRAM, as one forward pass of the text tower does.
 * {@link GflopsReport} runs this and prints GFLOPS and weight bandwidth.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            LauncherFlags.ADD_MODULES,
            LauncherFlags.VECTOR_API,
            LauncherFlags.GC,
            LauncherFlags.YOUNG_GEN,
            "-Xmx6g"
        })
public class GemmBench {

    @Param({
        "257x1024x1024", "257x1024x4096", "257x4096x1024", "2056x1024x4096",
        "16x1024x4096", "16x4096x1024", "1x1024x4096", "77x1024x4096"
    })
    public String shape;

    @Param({"F32", "BF16"})
    public DType dtype;

    @Param({"1", "2"})
    public int threads;

    @Param({"hot"})
    public String weights;

    private ThreadPool pool;
    private FloatTensor a;
    private FloatTensor c;
    private PackedMatrix[] w;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        int[] mkn = parse(shape);
        int m = mkn[0], k = mkn[1], n = mkn[2];
        pool = new ThreadPool(threads);
        a = FloatTensor.wrap(random(1, m * k), m, k);
        c = FloatTensor.zeros(m, n);
        long bytes = (long) n * k * dtype.bytes();
        int copies = "cold".equals(weights) ? (int) Math.max(2, (1L << 30) / bytes) : 1;
        w = new PackedMatrix[copies];
        for (int i = 0; i < copies; i++) {
            FloatTensor f = FloatTensor.wrap(random(2 + i, n * k), n, k);
            w[i] = dtype == DType.F32 ? PackedMatrix.pack(f) : PackedMatrix.pack(HalfTensor.of(f, dtype));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public FloatTensor linear() {
        PackedMatrix weight = w[next];
        next = (next + 1) % w.length;
        Gemm.linear(pool, a, weight, null, c);
        return c;
    }

    static int[] parse(String shape) {
        String[] p = shape.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}
