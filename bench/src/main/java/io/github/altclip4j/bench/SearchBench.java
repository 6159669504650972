package io.github.altclip4j.bench;

import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.tensor.TopK;
import java.util.List;
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
 * Exact top-10 search of one query over {@code rows} stored unit vectors of 768 values (an index's scan), stored as
 * float32, bfloat16 or int8 with a scale per vector, on 1 or 2 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
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
public class SearchBench {
    @Param({"10000", "100000", "1000000"})
    public int rows;

    @Param({"F32", "I8"})
    public DType store;

    @Param({"2"})
    public int threads;

    private static final int DIM = 768;
    private ThreadPool pool;
    private EmbeddingTable table;
    private float[][] query;

    @Setup(Level.Trial)
    public void setup() {
        pool = new ThreadPool(threads);
        table = EmbeddingTable.allocate(pool, rows, DIM, store);
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[DIM];
        for (int i = 0; i < rows; i++) {
            unit(r, v);
            table.putRows(v, 0, i, 1);
        }
        query = new float[1][DIM];
        unit(r, query[0]);
    }

    private static void unit(SplittableRandom r, float[] v) {
        double n = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public List<List<TopK.Hit>> top10() {
        return TopK.search(pool, table, query, 10, Float.NEGATIVE_INFINITY);
    }
}
