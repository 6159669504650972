package io.github.altclip4j.bench;

import io.github.altclip4j.tensor.Attention;
import io.github.altclip4j.tensor.ThreadPool;
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
 * The fused attention kernel for one sequence: {@code heads} heads of {@code headDim}, {@code seq} tokens
 * (257 = ViT-L/14 at 224 px, 77 = a long text), reading Q, K, V from one fused {@code [seq][3*hidden]} buffer.
 * FLOPs counted by {@link GflopsReport}: {@code 4 * seq^2 * headDim * heads} (QK^T and PV).
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
            "-Xmx2g"
        })
public class AttentionBench {

    @Param({"257", "77"})
    public int seq;

    @Param({"16"})
    public int heads;

    @Param({"64"})
    public int headDim;

    @Param({"1", "2"})
    public int threads;

    private ThreadPool pool;
    private float[] qkv;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        pool = new ThreadPool(threads);
        qkv = GemmBench.random(3, seq * 3 * heads * headDim);
        out = new float[seq * heads * headDim];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] attention() {
        int width = heads * headDim;
        Attention.multiHead(
                pool,
                1,
                seq,
                heads,
                headDim,
                (float) (1 / Math.sqrt(headDim)),
                qkv,
                0,
                qkv,
                width,
                qkv,
                2 * width,
                3 * width,
                null,
                out,
                0,
                width);
        return out;
    }
}
